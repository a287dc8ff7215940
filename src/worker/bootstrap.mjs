// Entry script of every weir worker thread. Node 20 cannot start a Worker from a `.ts` file, so
// this plain module imports the real entry named in `workerData.entry`, re-exporting its default
// export for piscina.
//
// A job's threads get the job's code bundled by the main thread (src/runtime/worker-bundle.ts):
// `workerData.entry` is then a bundled JavaScript file and `workerData.aliases` maps the original
// module URLs to the bundled files, which the job loader imports. Any other TypeScript entry (test
// and benchmark helpers, or a job whose code could not be bundled: `workerData.tsx`) registers tsx.
import { createRequire } from 'node:module';
import { workerData } from 'node:worker_threads';

const entry = workerData?.entry;
if (typeof entry !== 'string') {
  throw new TypeError('weir worker bootstrap: workerData.entry must name the module to run');
}
if (workerData.aliases instanceof Map) {
  globalThis[Symbol.for('weir.worker.module-aliases')] = workerData.aliases;
} else if (workerData.tsx === true || /\.[cm]?tsx?$/.test(entry)) {
  // tsx is an optional peer dependency of weir: say what to install rather than "cannot find".
  const tsx = await import('tsx/esm/api').catch((error) => {
    if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error(
      'weir: this TypeScript job could not be bundled for its workers (esbuild missing, or WEIR_WORKER_BUNDLE=0), ' +
        'and loading it unbundled needs the package "tsx": run npm install tsx',
    );
  });
  tsx.register();
}
// msgpackr's native string extractor, located by the main thread (src/runtime/msgpackr-native.ts):
// msgpackr skips its own lookup while the entry loads, and gets the binary by its path.
const extractor = workerData.msgpackrExtractor;
const ENV = 'MSGPACKR_NATIVE_ACCELERATION_DISABLED';
const envBefore = process.env[ENV];
if (extractor) process.env[ENV] = 'true';
let mod;
try {
  mod = await import(entry);
} finally {
  if (extractor) {
    if (envBefore === undefined) delete process.env[ENV];
    else process.env[ENV] = envBefore;
  }
}
if (extractor) {
  const { setExtractor } = await import(extractor.unpackModule);
  setExtractor(createRequire(import.meta.url)(extractor.binary).extractStrings);
}
export default mod.default;
