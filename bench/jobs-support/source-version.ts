/**
 * Which engine a benchmark measured: the git commit of the working tree and the `src/` files that
 * differ from it (the engine changes under other people's hands; a result is only comparable with
 * the code it ran). Undefined outside a git checkout.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface SourceVersion {
  readonly commit: string;
  /** `src/` files modified or added since that commit. */
  readonly changedSrcFiles: readonly string[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function sourceVersion(): SourceVersion | undefined {
  try {
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const commit = git('rev-parse', '--short', 'HEAD').trim();
    const changedSrcFiles = git('status', '--porcelain', '--', 'src')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => l.slice(3));
    return { commit, changedSrcFiles };
  } catch {
    return undefined;
  }
}

/** One line for a report header. */
export function formatSourceVersion(v: SourceVersion | undefined): string {
  if (v === undefined) return 'engine: unknown (not a git checkout)';
  const changed =
    v.changedSrcFiles.length === 0 ? 'clean' : `${v.changedSrcFiles.length} src file(s) changed`;
  return `engine: commit ${v.commit}, ${changed}`;
}
