// The embedded (LMDB) backend satisfies the keyed-state backend contract: with the default row
// cache, and with a cache of 3 rows, so that nearly every access evicts and flushes.
import { EmbeddedKeyedStateBackend } from '../../src/state/lmdb/lmdb-keyed-state-backend.ts';
import { keyedStateBackendContract } from './keyed-state-backend.case.ts';

keyedStateBackendContract('EmbeddedKeyedStateBackend', (options) => new EmbeddedKeyedStateBackend(options));
keyedStateBackendContract(
  'EmbeddedKeyedStateBackend with a tiny cache',
  (options) => new EmbeddedKeyedStateBackend({ ...options, cacheRows: 3 }),
);
