// Entry script of every weir worker thread. Node 20 cannot start a Worker from a `.ts` file, so
// this plain module registers tsx (only when the module to run is TypeScript) and then imports
// the real entry named in `workerData.entry`, re-exporting its default export for piscina.
import { workerData } from 'node:worker_threads';

const entry = workerData?.entry;
if (typeof entry !== 'string') {
  throw new TypeError('weir worker bootstrap: workerData.entry must name the module to run');
}
if (/\.[cm]?tsx?$/.test(entry)) {
  const { register } = await import('tsx/esm/api');
  register();
}
const mod = await import(entry);
export default mod.default;
