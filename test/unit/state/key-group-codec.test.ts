// The key-group blob round-trips states batch by batch and refuses anything that is not one.
import { describe, expect, it } from 'vitest';
import { StateAccessError, StateRestoreError } from '../../../src/state/errors.ts';
import {
  createStatePackr,
  FORMAT_VERSION,
  KeyGroupWriter,
  readKeyGroup,
} from '../../../src/state/key-group-codec.ts';

function blob(): Uint8Array {
  const writer = new KeyGroupWriter(createStatePackr(), 5, 128, 2);
  writer.beginState('counts', 'value', 3);
  writer.writeBatch(['a', 1, 'b', { deep: [1n, new Map([[1, 2]])] }]);
  writer.writeBatch([[1, 'x'], null]);
  writer.beginState('empty', 'list', 0);
  return writer.finish();
}

function restoreError(fn: () => unknown): StateRestoreError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StateRestoreError) return error;
    throw error;
  }
  throw new Error('expected a StateRestoreError');
}

describe('key-group codec', () => {
  it('round-trips states and their entries across batches, keeping msgpack types', () => {
    const bytes = blob();
    expect([bytes[0], bytes[1], bytes[2]]).toEqual([0x57, 0x4b, FORMAT_VERSION]);
    expect(readKeyGroup(bytes, 5, 128)).toEqual([
      {
        name: 'counts',
        kind: 'value',
        entries: ['a', 1, 'b', { deep: [1n, new Map([[1, 2]])] }, [1, 'x'], null],
      },
      { name: 'empty', kind: 'list', entries: [] },
    ]);
  });

  it('reads blobs at any byte offset of a larger buffer', () => {
    const bytes = blob();
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect(readKeyGroup(padded.subarray(3), 5, 128)).toEqual(readKeyGroup(bytes, 5, 128));
  });

  it('detects every single flipped bit', () => {
    const bytes = blob();
    const missed: number[] = [];
    for (let i = 0; i < bytes.length; i++) {
      if (i === 2 || i === 3) continue; // the version byte has its own error; byte 3 is reserved
      for (let bit = 0; bit < 8; bit++) {
        const corrupt = bytes.slice();
        corrupt[i]! ^= 1 << bit;
        const error = restoreError(() => readKeyGroup(corrupt, 5, 128));
        if (error.reason !== 'corrupt' || error.code !== 'ERR_STATE_RESTORE') missed.push(i * 8 + bit);
      }
    }
    expect(missed).toEqual([]);
  });

  it('names the problem: version, key group, max parallelism, non-bytes', () => {
    const future = blob();
    future[2] = FORMAT_VERSION + 1;
    expect(restoreError(() => readKeyGroup(future, 5, 128))).toMatchObject({
      reason: 'unsupported-version',
      classification: 'configuration',
    });
    expect(restoreError(() => readKeyGroup(blob(), 6, 128)).message).toMatch(/holds key group 5/);
    expect(restoreError(() => readKeyGroup(blob(), 5, 256)).reason).toBe('max-parallelism-mismatch');
    expect(restoreError(() => readKeyGroup('nope' as unknown as Uint8Array, 5, 128)).reason).toBe('corrupt');
  });

  it('refuses values it cannot encode, naming the state and key', () => {
    const writer = new KeyGroupWriter(createStatePackr(), 1, 128, 1);
    writer.beginState('callbacks', 'value', 2);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    for (const [value, what] of [
      [() => 1, /a function/],
      [Symbol('s'), /cannot encode/],
      [cyclic, /cyclic/],
    ] as const) {
      let error: unknown;
      try {
        writer.writeBatch(['fine', 1, 'odd', value]);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StateAccessError);
      expect(error).toMatchObject({ reason: 'unencodable-value' });
      expect((error as Error).message).toMatch(what);
      expect((error as Error).message).toMatch(/"callbacks".*"odd"/);
    }
  });
});
