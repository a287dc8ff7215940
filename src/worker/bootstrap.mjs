// Entry script of every weir worker thread. Node 20 cannot start a Worker from a `.ts` file, so
// this plain module makes TypeScript loadable and then imports the real entry named in
// `workerData.entry`, re-exporting its default export for piscina.
//
// A job's threads get `workerData.sources`, the job's TypeScript modules transpiled once by the
// main thread (src/runtime/worker-sources.ts), and serve them through the light hooks of
// ts-hooks.mjs. Any other TypeScript entry (test and benchmark helpers) registers tsx.
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';

const entry = workerData?.entry;
if (typeof entry !== 'string') {
  throw new TypeError('weir worker bootstrap: workerData.entry must name the module to run');
}
if (workerData.sources instanceof Map) {
  register('./ts-hooks.mjs', import.meta.url, { data: { sources: workerData.sources } });
} else if (/\.[cm]?tsx?$/.test(entry)) {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
}
const mod = await import(entry);
export default mod.default;
