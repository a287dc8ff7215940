// Checkpoint ids strictly increase, from 1 or from above every id already in storage.
import { describe, expect, it } from 'vitest';
import { CheckpointIdCounter } from '../../../src/checkpoint/checkpoint-id-counter.ts';
import { InvalidOptionError } from '../../../src/errors.ts';

describe('CheckpointIdCounter', () => {
  it('hands out 1, 2, 3, ... and peeks without consuming', () => {
    const ids = new CheckpointIdCounter();
    expect(ids.peek()).toBe(1);
    expect([ids.next(), ids.next(), ids.next()]).toEqual([1, 2, 3]);
    expect(ids.peek()).toBe(4);
  });

  it('starts from a restored value, or above every existing id', () => {
    expect(new CheckpointIdCounter(17).next()).toBe(17);
    expect(CheckpointIdCounter.after([3, 9, 4]).next()).toBe(10);
    expect(CheckpointIdCounter.after([]).next()).toBe(1);
  });

  it('refuses a first id that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN])
      expect(() => new CheckpointIdCounter(bad)).toThrow(InvalidOptionError);
  });
});
