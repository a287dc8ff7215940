// A job's worker code is bundled once in the main thread: the workers' entry and the job module as
// ES module files sharing chunks, each module with its own import.meta.url, packages imported from
// where they are installed; rebuilt when a file changes; nothing to bundle for JavaScript; only the
// job for the built engine (dist/).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { workerBundle } from '../../../src/runtime/worker-bundle.ts';

const taskWorker = new URL('../../../src/task/task-worker.ts', import.meta.url).href;
const job = new URL('../../integration/jobs/word-count.job.ts', import.meta.url).href;

function bundledCode(entry: string): string {
  const dir = dirname(fileURLToPath(entry));
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .join('\n');
}

describe('workerBundle', () => {
  it('bundles the entry and the job module, keeping import.meta.url and importing packages by URL', async () => {
    const bundle = await workerBundle(taskWorker, job);
    expect(bundle).toBeDefined();
    const { entry, aliases } = bundle!;
    expect(aliases.get(taskWorker)).toBe(entry);
    expect(aliases.get(job)).toMatch(/\/job\.mjs$/);
    const code = bundledCode(entry);
    expect(code).not.toMatch(/,\s*import\.meta\.url\)/);
    // worker-pool.ts resolves files next to itself: its own URL must survive bundling.
    expect(code).toContain(
      JSON.stringify(new URL('../../../src/runtime/worker-pool.ts', import.meta.url).href),
    );
    expect(code).toMatch(/from "file:\/\/\/[^"]*node_modules\/msgpackr\//);
    expect(code).toMatch(/__name\(/); // names kept
  });

  it('reuses the bundle until a bundled file changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-bundle-test-'));
    const file = join(dir, 'job.mts');
    const engine = JSON.stringify(fileURLToPath(new URL('../../../src/index.ts', import.meta.url)));
    writeFileSync(file, `import { defineJob } from ${engine};\nexport default defineJob(() => {});\n`);
    const url = pathToFileURL(file).href;
    const a = await workerBundle(taskWorker, url);
    expect(await workerBundle(taskWorker, url)).toBe(a);
    writeFileSync(
      file,
      `import { defineJob } from ${engine};\nexport default defineJob(() => { void 1; });\n`,
    );
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const b = await workerBundle(taskWorker, url);
    expect(b).toBeDefined();
    expect(b).not.toBe(a);
    rmSync(dir, { recursive: true, force: true });
  });

  it('removes bundle directories of processes that are gone when it builds', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const orphan = join(tmpdir(), `weir-workers-${gone}-test`);
    mkdirSync(orphan, { recursive: true });
    const mine = join(tmpdir(), `weir-workers-${process.pid}-test`);
    mkdirSync(mine, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), 'weir-bundle-test-'));
    const file = join(dir, 'job.mts');
    const engine = JSON.stringify(fileURLToPath(new URL('../../../src/index.ts', import.meta.url)));
    writeFileSync(file, `import { defineJob } from ${engine};\nexport default defineJob(() => {});\n`);
    expect(await workerBundle(taskWorker, pathToFileURL(file).href)).toBeDefined();
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(mine)).toBe(true);
    rmSync(mine, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('bundles only a TypeScript job for the built engine (dist/), whose entry workers load as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-bundle-test-'));
    writeFileSync(join(dir, 'task-worker.js'), "export { x as default } from './engine.js';\n");
    writeFileSync(join(dir, 'engine.js'), 'export const x = 1;\n');
    writeFileSync(
      join(dir, 'job.mts'),
      "import { x } from './engine.js';\nexport default x satisfies number;\n",
    );
    const entry = pathToFileURL(join(dir, 'task-worker.js')).href;
    const jobUrl = pathToFileURL(join(dir, 'job.mts')).href;
    const bundle = await workerBundle(entry, jobUrl);
    expect(bundle?.entry).toBe(entry);
    expect([...(bundle?.aliases.keys() ?? [])]).toEqual([jobUrl]);
    expect(readdirSync(dirname(fileURLToPath(bundle!.aliases.get(jobUrl)!)))).toEqual([
      'job.mjs',
      'job.mjs.map',
    ]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('has nothing to bundle for JavaScript, and falls back when the code cannot be bundled', async () => {
    expect(await workerBundle('file:///x/entry.js', 'file:///x/job.js')).toBeUndefined();
    expect(await workerBundle(taskWorker, 'file:///nowhere/missing.ts')).toBeUndefined();
  });
});
