// The RocksDB backend satisfies the keyed-state backend contract, with a row cache of 3 rows so that
// nearly every access evicts and goes to RocksDB (the row cache above the store is the same as the
// LMDB backend's, whose contract runs with the default cache too).
import { EmbeddedKeyedStateBackend } from '../../src/state/lmdb/lmdb-keyed-state-backend.ts';
import { keyedStateBackendContract } from './keyed-state-backend.case.ts';

keyedStateBackendContract('EmbeddedKeyedStateBackend on RocksDB with a tiny cache', async (options) => {
  const backend = new EmbeddedKeyedStateBackend({ ...options, cacheRows: 3, engine: 'rocksdb' });
  await backend.open();
  return backend;
});
