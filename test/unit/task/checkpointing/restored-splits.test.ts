// A source's restored splits are checked against the shape of the splits it writes itself, and a
// mismatch names the operator and the file.
import { describe, expect, it } from 'vitest';
import type { StateHandle } from '../../../../src/checkpoint/storage/state-handle.ts';
import { RestoredStateShapeError } from '../../../../src/index.ts';
import { restoredSplits } from '../../../../src/task/checkpointing/restored-splits.ts';

const inline: StateHandle = { kind: 'inline', data: new Uint8Array(0), bytes: 0, checksum: 'crc32:00000000' };
const file: StateHandle = {
  kind: 'file',
  path: 'left-0-operator.state',
  bytes: 0,
  checksum: 'crc32:00000000',
};
const template = [{ next: 0, stride: 2, end: null }];

describe('restoredSplits', () => {
  it('passes splits of the shape the source writes, null standing for any value', () => {
    const states = [{ splits: [{ next: 4, stride: 2, end: 10 }] }, { splits: [] }];
    expect(restoredSplits('left', [inline, file], states, '/c/chk-3', template)).toEqual([
      { next: 4, stride: 2, end: 10 },
    ]);
  });

  it.each([
    [{ splits: 'x' }, /splits is "x", not a list/],
    [{}, /splits is undefined, not a list/],
    [{ splits: [{ next: 'a', stride: 2, end: null }] }, /next is "a", not a number/],
    [{ splits: [{ stride: 2, end: null }] }, /next is missing/],
    [{ splits: [7] }, /not an object/],
  ])('refuses %j, naming the operator and the file', (state, problem) => {
    for (const [handle, where] of [
      [inline, '/c/chk-3/_metadata'],
      [file, '/c/chk-3/left-0-operator.state'],
    ] as const) {
      const error = (() => {
        try {
          restoredSplits('left', [handle], [state], '/c/chk-3', template);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(RestoredStateShapeError);
      expect(error).toMatchObject({ code: 'ERR_STATE_RESTORE', operatorUid: 'left', file: where });
      expect((error as Error).message).toMatch(problem);
    }
  });
});
