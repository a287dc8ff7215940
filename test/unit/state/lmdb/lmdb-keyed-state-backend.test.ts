// Embedded-backend specifics beyond the contract: snapshots move between the heap and embedded
// backends both ways (also across parallelism), memory stays at the row-cache bound, long keys,
// option validation, and the working directory's life (removed on dispose, leftovers of dead
// processes swept).
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidOptionError, UnsafeDirectoryError } from '../../../../src/errors.ts';
import { HeapKeyedStateBackend } from '../../../../src/state/heap/heap-keyed-state-backend.ts';
import { keyGroupRangeForOperator } from '../../../../src/state/key-groups.ts';
import { type KeyedStateBackend, keyGroupsInRange } from '../../../../src/state/keyed-state-backend.ts';
import { EmbeddedKeyedStateBackend } from '../../../../src/state/lmdb/lmdb-keyed-state-backend.ts';
import { defaultStateDirectory } from '../../../../src/state/lmdb/working-directory.ts';
import { valueState } from '../../../../src/state/value-state.ts';
import { dump, populate, states } from '../../../contract/keyed-state-fixtures.ts';

const MAX = 128;
const KEYS = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? `user-${i}` : [i, { tag: 'pair' }]));

let base: string;
const opened: KeyedStateBackend[] = [];
function embedded(options: ConstructorParameters<typeof EmbeddedKeyedStateBackend>[0] = {}) {
  const backend = new EmbeddedKeyedStateBackend({ directory: base, ...options });
  opened.push(backend);
  return backend;
}
function heap(options: ConstructorParameters<typeof HeapKeyedStateBackend>[0] = {}) {
  const backend = new HeapKeyedStateBackend(options);
  opened.push(backend);
  return backend;
}

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'weir-embedded-test-'));
});
afterEach(() => {
  for (const backend of opened.splice(0)) backend.dispose();
  rmSync(base, { recursive: true, force: true });
});

describe('EmbeddedKeyedStateBackend', () => {
  it('validates its options, naming them', () => {
    expect(() => embedded({ cacheRows: 0 })).toThrow(/cacheRows/);
    expect(() => embedded({ directory: '' })).toThrow(InvalidOptionError);
    expect(() => embedded({ keyGroupRange: { start: 3, end: 2 } })).toThrow(/keyGroupRange\.end/);
    writeFileSync(join(base, 'a-file'), 'not a directory');
    expect(() => embedded({ directory: join(base, 'a-file', 'state') })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTION', option: 'directory' }),
    );
  });

  it('restores a heap snapshot, and the heap backend restores its snapshot, at another parallelism too', async () => {
    const source = heap({ maxParallelism: MAX });
    populate(source, KEYS);
    const rows = dump(source);
    const fromHeap = await source.snapshot().encode();
    const parts: KeyedStateBackend[] = [];
    for (let index = 0; index < 2; index++) {
      const keyGroupRange = keyGroupRangeForOperator(MAX, 2, index);
      const part = embedded({ maxParallelism: MAX, keyGroupRange, cacheRows: 50 });
      await part.restore(keyGroupsInRange([fromHeap], keyGroupRange));
      parts.push(part);
    }
    expect(parts.flatMap((part) => dump(part)).sort()).toEqual([...rows].sort());
    const encoded = await Promise.all(parts.map((part) => part.snapshot().encode()));
    const back = heap({ maxParallelism: MAX });
    await back.restore(keyGroupsInRange(encoded, back.keyGroupRange));
    expect(dump(back)).toEqual(rows);
  });

  it('keeps at most cacheRows rows in memory, with every write on disk', async () => {
    const backend = embedded({ cacheRows: 100 });
    const counter = backend.getState(states.counter);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5000; i++) {
        backend.setCurrentKey(i);
        counter.update(counter.value() + i);
        expect(backend.cachedRows).toBeLessThanOrEqual(100);
      }
    }
    expect([...backend.keys('counter')].length).toBe(5000);
    for (const i of [0, 1, 2500, 4999]) {
      backend.setCurrentKey(i);
      expect(counter.value()).toBe(3 * i);
    }
    const restored = embedded({ cacheRows: 10 });
    await restored.restore((await backend.snapshot().encode()).keyGroups);
    restored.setCurrentKey(4999);
    expect(restored.getState(states.counter).value()).toBe(3 * 4999);
  });

  it('stores keys too long for an LMDB key, and reads them back', async () => {
    const long = 'k'.repeat(3000);
    const longer = ['x'.repeat(2000), { y: 'z'.repeat(2000) }];
    const backend = embedded({ cacheRows: 1 });
    for (const [i, key] of [long, longer, 'short'].entries()) {
      backend.setCurrentKey(key);
      backend.getState(states.list).add(`v${i}`);
    }
    backend.setCurrentKey(long);
    expect(backend.getState(states.list).get()).toEqual(['v0']);
    expect([...backend.keys('list')]).toEqual(expect.arrayContaining([long, longer, 'short']));
    const copy = heap();
    await copy.restore((await backend.snapshot().encode()).keyGroups);
    expect(dump(copy)).toEqual(dump(backend));
  });

  it('fails the access whose eviction meets a value msgpack cannot encode, naming the state', () => {
    const backend = embedded({ cacheRows: 1 });
    const odd = valueState<unknown>('odd');
    backend.setCurrentKey('a');
    backend.getState(odd).update({ callback: () => 1 });
    backend.setCurrentKey('b');
    expect(() => backend.getState(odd).value()).toThrow(
      expect.objectContaining({ reason: 'unencodable-value', message: expect.stringContaining('"odd"') }),
    );
  });

  it('works in its own directory under the base, removed on dispose once pending snapshots are done', async () => {
    const backend = embedded({ label: 'op/uid 3' });
    expect(backend.directory.startsWith(join(base, `weir-${process.pid}-op_uid_3-`))).toBe(true);
    expect(existsSync(backend.directory)).toBe(true);
    populate(backend, KEYS.slice(0, 10));
    const rows = dump(backend);
    const snapshot = backend.snapshot();
    backend.dispose();
    expect(existsSync(backend.directory)).toBe(true);
    const encoded = await snapshot.encode();
    expect(existsSync(backend.directory)).toBe(false);
    const copy = heap();
    await copy.restore(encoded.keyGroups);
    expect(dump(copy)).toEqual(rows);
  });

  it('sweeps the working directories of processes that are gone, and keeps live ones', () => {
    const dead = join(base, 'weir-2147483646-counter_0-abc123');
    const live = join(base, `weir-${process.pid}-other-def456`);
    const foreign = join(base, 'not-weir');
    for (const dir of [dead, live, foreign]) mkdirSync(join(dir, 'data'), { recursive: true });
    const backend = embedded();
    expect(readdirSync(base).sort()).toEqual(
      ['not-weir', `weir-${process.pid}-other-def456`, backend.directory.slice(base.length + 1)].sort(),
    );
  });

  it('refuses a configured base that others can write without the sticky bit, accepts one with it', () => {
    const shared = join(base, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    expect(() => embedded({ directory: shared })).toThrow(
      expect.objectContaining({
        code: 'ERR_UNSAFE_DIRECTORY',
        message: expect.stringMatching(/without the sticky bit/),
      }),
    );
    expect(readdirSync(shared)).toEqual([]);
    chmodSync(shared, 0o1777);
    const backend = embedded({ directory: shared });
    expect(statSync(backend.directory).mode & 0o777).toBe(0o700);
  });

  describe('without a configured directory', () => {
    let savedTmp: string | undefined;
    beforeEach(() => {
      savedTmp = process.env['TMPDIR'];
      process.env['TMPDIR'] = base; // os.tmpdir() reads it on every call
    });
    afterEach(() => {
      if (savedTmp === undefined) delete process.env['TMPDIR'];
      else process.env['TMPDIR'] = savedTmp;
    });
    const unconfigured = () => {
      const backend = new EmbeddedKeyedStateBackend({});
      opened.push(backend);
      return backend;
    };

    it("works in this user's private directory of the temp directory, removed on dispose", () => {
      const backend = unconfigured();
      const userBase = defaultStateDirectory();
      expect(userBase).toBe(join(base, `weir-state-${process.getuid?.()}`));
      expect(backend.directory.startsWith(`${userBase}/`)).toBe(true);
      expect(statSync(userBase).mode & 0o777).toBe(0o700);
      expect(statSync(backend.directory).mode & 0o777).toBe(0o700);
      backend.dispose();
      expect(existsSync(backend.directory)).toBe(false);
    });

    it('refuses a default directory that others can write', () => {
      mkdirSync(defaultStateDirectory());
      chmodSync(defaultStateDirectory(), 0o777);
      expect(() => unconfigured()).toThrow(UnsafeDirectoryError);
      expect(readdirSync(defaultStateDirectory())).toEqual([]);
    });

    it.runIf(process.getuid?.() === 0)('refuses a default directory owned by another user', () => {
      mkdirSync(defaultStateDirectory(), { mode: 0o700 });
      chownSync(defaultStateDirectory(), 65534, 65534);
      expect(() => unconfigured()).toThrow(
        expect.objectContaining({
          code: 'ERR_UNSAFE_DIRECTORY',
          message: expect.stringMatching(/owned by uid 65534/),
        }),
      );
    });
  });
});
