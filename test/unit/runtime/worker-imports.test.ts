// What a worker loads before its subtask runs is start-up time paid by every worker of every job
// (~50 ms of CPU for lmdb, ~50 ms for hdr-histogram-js, ~10 ms for piscina). The engine that
// workers evaluate may import packages statically only when every subtask needs them; the others
// are loaded where they are used (dynamic import or a lazy require).
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

const taskWorker = fileURLToPath(new URL('../../../src/task/task-worker.ts', import.meta.url));

describe('worker imports', () => {
  it('statically imports no package but msgpackr', async () => {
    const result = await esbuild.build({
      entryPoints: [taskWorker],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      logLevel: 'silent',
    });
    const packages = new Set<string>();
    for (const input of Object.values(result.metafile.inputs))
      for (const imported of input.imports)
        if (imported.external && imported.kind === 'import-statement' && !imported.path.startsWith('node:'))
          packages.add(imported.path);
    expect([...packages].sort()).toEqual(['msgpackr']);
  });
});
