// The typed emitter calls listeners in order, isolates their errors, and unsubscribes cleanly.
import { describe, expect, it } from 'vitest';
import { TypedEmitter } from '../../../src/job/typed-emitter.ts';

type Events = {
  tick: (n: number) => void;
  done: () => void;
};

describe('TypedEmitter', () => {
  it('calls listeners of an event in the order added, with its arguments', () => {
    const emitter = new TypedEmitter<Events>();
    const calls: string[] = [];
    emitter.on('tick', (n) => calls.push(`a${n}`));
    emitter.on('tick', (n) => calls.push(`b${n}`));
    emitter.on('done', () => calls.push('done'));
    emitter.emit('tick', 1);
    emitter.emit('done');
    expect(calls).toEqual(['a1', 'b1', 'done']);
    expect(emitter.listenerCount('tick')).toBe(2);
  });

  it('lets a listener remove itself while the event is being delivered', () => {
    const emitter = new TypedEmitter<Events>();
    const calls: number[] = [];
    const off = emitter.on('tick', (n) => {
      calls.push(n);
      off();
    });
    emitter.on('tick', (n) => calls.push(n * 10));
    emitter.emit('tick', 1);
    emitter.emit('tick', 2);
    expect(calls).toEqual([1, 10, 20]);
  });

  it('rethrows listener errors asynchronously by default, after the other listeners ran', async () => {
    const emitter = new TypedEmitter<Events>();
    const oops = new Error('listener bug');
    emitter.on('done', () => {
      throw oops;
    });
    let ranAfter = false;
    emitter.on('done', () => {
      ranAfter = true;
    });
    const original = globalThis.queueMicrotask;
    const queued: Array<() => void> = [];
    globalThis.queueMicrotask = (fn) => void queued.push(fn);
    try {
      expect(() => emitter.emit('done')).not.toThrow();
    } finally {
      globalThis.queueMicrotask = original;
    }
    expect(ranAfter).toBe(true);
    expect(queued).toHaveLength(1);
    expect(() => queued[0]!()).toThrow(oops);
  });
});
