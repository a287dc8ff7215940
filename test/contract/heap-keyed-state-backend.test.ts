// The heap backend satisfies the keyed-state backend contract.
import { HeapKeyedStateBackend } from '../../src/state/heap/heap-keyed-state-backend.ts';
import { keyedStateBackendContract } from './keyed-state-backend.case.ts';

keyedStateBackendContract('HeapKeyedStateBackend', (options) => new HeapKeyedStateBackend(options));
