/**
 * The URL of a module next to the calling one, with the caller's own extension: `.ts` when the
 * benchmarks run from source through tsx, `.js` when they run from a compiled copy (as in the
 * profiling experiments), so that job modules and worker entries resolve either way.
 */

/** `sibling('fill.job', import.meta.url)` → `…/fill.job.ts` (or `.js`). */
export function sibling(name: string, callerUrl: string): URL {
  const extension = callerUrl.slice(callerUrl.lastIndexOf('.'));
  return new URL(`./${name}${extension}`, callerUrl);
}
