// The stateBackend option: heap by default, the embedded (LMDB) and RocksDB backends by type or with
// their options, and every invalid value refused with an error naming the field.
import { describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../../../src/api/stream-environment.ts';
import { InvalidOptionError } from '../../../src/errors.ts';
import { HeapKeyedStateBackend } from '../../../src/state/heap/heap-keyed-state-backend.ts';
import { EmbeddedKeyedStateBackend } from '../../../src/state/lmdb/lmdb-keyed-state-backend.ts';
import {
  createKeyedStateBackend,
  resolveStateBackendOptions,
  type StateBackendOptions,
} from '../../../src/state/state-backend-options.ts';

describe('stateBackend option', () => {
  it('defaults to the heap backend and accepts the types alone or with options', () => {
    expect(new StreamEnvironment().options.stateBackend).toEqual({ type: 'heap' });
    expect(resolveStateBackendOptions('embedded')).toEqual({ type: 'embedded' });
    expect(resolveStateBackendOptions({ type: 'embedded', directory: '/x', cacheRows: 10 })).toEqual({
      type: 'embedded',
      directory: '/x',
      cacheRows: 10,
    });
    expect(new StreamEnvironment({ stateBackend: 'embedded' }).options.stateBackend.type).toBe('embedded');
    expect(resolveStateBackendOptions('rocksdb')).toEqual({ type: 'rocksdb' });
    expect(resolveStateBackendOptions({ type: 'rocksdb', directory: '/x', cacheRows: 10 })).toEqual({
      type: 'rocksdb',
      directory: '/x',
      cacheRows: 10,
    });
  });

  it.each([
    ['rocks', 'stateBackend'],
    [{ type: 'leveldb' }, 'stateBackend.type'],
    [{ type: 'rocksdb', cacheRows: 0 }, 'stateBackend.cacheRows'],
    [{ type: 'embedded', directory: '' }, 'stateBackend.directory'],
    [{ type: 'embedded', cacheRows: 0 }, 'stateBackend.cacheRows'],
    [{ type: 'embedded', cacheRows: 1.5 }, 'stateBackend.cacheRows'],
  ])('refuses %o, naming %s', (value, option) => {
    const error = (() => {
      try {
        new StreamEnvironment({ stateBackend: value as StateBackendOptions });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect((error as Error).message).toContain(option);
  });

  it('creates the chosen backend for a subtask', () => {
    const placement = { maxParallelism: 8, keyGroupRange: { start: 0, end: 3 }, label: 'op-0' };
    const heap = createKeyedStateBackend({ type: 'heap' }, placement);
    const embedded = createKeyedStateBackend({ type: 'embedded', cacheRows: 5 }, placement);
    expect(heap).toBeInstanceOf(HeapKeyedStateBackend);
    expect(embedded).toBeInstanceOf(EmbeddedKeyedStateBackend);
    expect(embedded.keyGroupRange).toEqual({ start: 0, end: 3 });
    heap.dispose();
    embedded.dispose();
  });

  it('creates a RocksDB backend that must be opened first', async () => {
    const placement = { maxParallelism: 8, keyGroupRange: { start: 0, end: 3 }, label: 'op-0' };
    const rocks = createKeyedStateBackend({ type: 'rocksdb' }, placement);
    expect(rocks).toBeInstanceOf(EmbeddedKeyedStateBackend);
    await rocks.open?.();
    rocks.dispose();
  });
});
