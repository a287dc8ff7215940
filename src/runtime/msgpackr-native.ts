/**
 * msgpackr's native string extractor (`msgpackr-extract`), located once on the main thread and
 * handed to the workers, so that a worker loads the binary by its path instead of through
 * msgpackr's own lookup. That lookup (node-gyp-build probing prebuilds, detect-libc reading the
 * C library of the interpreter, which loads `child_process`, `net` and `dgram`) cost each worker
 * ~10 ms of CPU, a quarter of a bare worker's start, while the binary itself is already in the
 * process. The extractor stays on: it decodes string-heavy frames about twice as fast as
 * msgpackr's JavaScript (nested records, state with string keys).
 *
 * Thread: main (resolution); `src/worker/bootstrap.mjs` applies it in each worker.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What a worker needs to install the extractor itself. */
export interface NativeStringExtractor {
  /** Absolute path of the `.node` binary msgpackr would load in this process. */
  readonly binary: string;
  /** File URL of msgpackr's `unpack.js`, the module whose `setExtractor` installs it. */
  readonly unpackModule: string;
}

let resolved: NativeStringExtractor | null | undefined;

/**
 * The extractor msgpackr uses in this process, or `undefined` when it runs without one (the optional
 * package is missing, or `MSGPACKR_NATIVE_ACCELERATION_DISABLED=true`): workers then let msgpackr
 * decide for itself, as it would without weir.
 */
export function nativeStringExtractor(): NativeStringExtractor | undefined {
  if (resolved === undefined) resolved = resolve() ?? null;
  return resolved ?? undefined;
}

function resolve(): NativeStringExtractor | undefined {
  if (process.env['MSGPACKR_NATIVE_ACCELERATION_DISABLED']?.toLowerCase() === 'true') return undefined;
  try {
    // msgpackr's CommonJS entry lives in its dist/ directory; its package root holds unpack.js.
    const msgpackrCjs = createRequire(import.meta.url).resolve('msgpackr');
    const fromMsgpackr = createRequire(msgpackrCjs);
    const extractEntry = fromMsgpackr.resolve('msgpackr-extract');
    const locate = createRequire(extractEntry)('node-gyp-build-optional-packages') as {
      path(dir: string): string;
    };
    const binary = locate.path(dirname(extractEntry));
    return { binary, unpackModule: pathToFileURL(join(dirname(dirname(msgpackrCjs)), 'unpack.js')).href };
  } catch {
    return undefined;
  }
}
