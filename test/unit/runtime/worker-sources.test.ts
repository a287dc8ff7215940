// A job's TypeScript modules are transpiled once in the main thread for all its workers: every
// module the workers' entry and the job module reach statically, as plain ES module JavaScript,
// and the workers then start without tsx's flags.
import { describe, expect, it } from 'vitest';
import { withoutTsx } from '../../../src/runtime/worker-pool.ts';
import { workerSources } from '../../../src/runtime/worker-sources.ts';

const taskWorker = new URL('../../../src/runtime/task-worker.ts', import.meta.url).href;
const job = new URL('../../integration/jobs/word-count.job.ts', import.meta.url).href;
const engineIndex = new URL('../../../src/index.ts', import.meta.url).href;

describe('workerSources', () => {
  it('transpiles every TypeScript module reachable from the entries, under its own URL', async () => {
    const sources = await workerSources([taskWorker, job]);
    expect(sources).toBeDefined();
    const map = sources as Map<string, string>;
    for (const url of [taskWorker, job, engineIndex]) expect(map.has(url), url).toBe(true);
    // Type-only syntax is gone; the module keeps its ES imports with their .ts specifiers.
    const host = map.get(new URL('../../../src/runtime/subtask-host.ts', import.meta.url).href) ?? '';
    expect(host).not.toMatch(/\bimport type\b|\breadonly #/);
    expect(host).toMatch(/from "\.\/task-runner\.ts"/);
    expect([...map.keys()].every((u) => u.endsWith('.ts'))).toBe(true);
  });

  it('reuses what it transpiled for the same entries', async () => {
    const a = await workerSources([taskWorker, job]);
    const b = await workerSources([taskWorker, job]);
    expect(b?.get(job)).toBe(a?.get(job));
  });

  it('has nothing to transpile for JavaScript entries', async () => {
    expect(await workerSources(['file:///nowhere/entry.js'])).toBeUndefined();
  });

  it('falls back (undefined) when the module graph cannot be resolved', async () => {
    expect(await workerSources(['file:///nowhere/missing.ts'])).toBeUndefined();
  });
});

describe('withoutTsx', () => {
  it('drops the flags that load tsx and keeps every other flag', () => {
    expect(
      withoutTsx([
        '--import',
        'tsx',
        '--enable-source-maps',
        '--import=tsx/esm',
        '--loader',
        'tsx',
        '-r',
        'tsx/cjs',
        '--require=./other.cjs',
        '--import',
        './setup.mjs',
        '--cpu-prof',
      ]),
    ).toEqual(['--enable-source-maps', '--require=./other.cjs', '--import', './setup.mjs', '--cpu-prof']);
  });
});
