/**
 * TypeScript job files for `weir run` when weir itself runs as JavaScript (the installed package):
 * the main thread imports the job module through tsx, registered once, on demand. From weir's
 * TypeScript sources a loader is already registered (bin/weir.mjs). The job's workers need no
 * loader: the main thread bundles the job for them (src/runtime/worker-bundle.ts).
 */

const TYPESCRIPT = /\.(?:[cm]?ts|tsx)$/;
let registered = false;

/** Makes `file` importable in this thread if it is TypeScript. */
export async function loadTypeScriptFor(file: string): Promise<void> {
  if (registered || !TYPESCRIPT.test(file) || import.meta.url.endsWith('.ts')) return;
  const { register } = await import('tsx/esm/api');
  register();
  registered = true;
}
