// The RocksDB row store: a snapshot reads the database as it was, even while two scans of it
// interleave; a missing binding names the package to install; nothing is used before open.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MissingDependencyError } from '../../../../src/errors.ts';
import { StateAccessError } from '../../../../src/state/errors.ts';
import { loadRocksLibrary, RocksStore } from '../../../../src/state/rocksdb/rocksdb-store.ts';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function openStore(): Promise<RocksStore> {
  const directory = mkdtempSync(join(tmpdir(), 'weir-rocks-store-'));
  directories.push(directory);
  const store = new RocksStore(directory);
  await store.open();
  return store;
}

const key = (n: number): Buffer => Buffer.from([0, 0, 0, n]);
const keysOf = (rows: Iterable<{ key: Buffer }>): number[] => Array.from(rows, (row) => row.key[3]!);

describe('RocksStore', () => {
  it('reads a snapshot as of its creation, with interleaved scans of it', async () => {
    const store = await openStore();
    store.write(Array.from({ length: 600 }, (_, i) => ({ key: key(i % 250), value: Buffer.from([i]) })));
    const snapshot = store.snapshot();
    store.write([
      { key: key(5), value: undefined },
      { key: key(251), value: Buffer.from([1]) },
    ]);
    // Two scans of one snapshot, advanced in turns: each re-seeks where it stood.
    const a = store.rows(key(0), key(200), snapshot);
    const b = store.rows(key(100), key(255), snapshot);
    const seenA: number[] = [];
    const seenB: number[] = [];
    for (;;) {
      const x = a.next();
      const y = b.next();
      if (!x.done) seenA.push(x.value.key[3]!);
      if (!y.done) seenB.push(y.value.key[3]!);
      if (x.done && y.done) break;
    }
    expect(seenA).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(seenB).toEqual(Array.from({ length: 150 }, (_, i) => i + 100));
    expect(store.hasRows(key(5), key(6), snapshot)).toBe(true);
    expect(store.hasRows(key(5), key(6))).toBe(false);
    expect(keysOf(store.rows(key(250), key(255)))).toEqual([251]);
    snapshot.done();
    store.removeRange(key(0), key(100));
    expect(store.get(key(99))).toBeUndefined();
    expect(store.get(key(100))).toEqual(Buffer.from([350])); // the last write of key 100 (i = 350)
    await store.close();
  });

  it('refuses use before open and after close', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'weir-rocks-store-'));
    directories.push(directory);
    const store = new RocksStore(directory);
    expect(() => store.get(key(1))).toThrow(StateAccessError);
    await store.open();
    await store.close();
    expect(() => store.write([{ key: key(1), value: Buffer.from([1]) }])).toThrow(StateAccessError);
  });

  it('names the package to install when the binding is missing', () => {
    const missing = (name: string): never => {
      throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
    };
    const error = (() => {
      try {
        loadRocksLibrary(missing);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(MissingDependencyError);
    expect((error as MissingDependencyError).packageName).toBe('@nxtedition/rocksdb');
    expect((error as MissingDependencyError).code).toBe('ERR_MISSING_DEPENDENCY');
  });
});
