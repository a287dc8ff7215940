// weir as users get it: the repository is copied, `npm pack` builds it (prepack) and packs it, the
// tarball is unpacked into a user's project (consumer/) whose node_modules holds only weir and
// weir's runtime dependencies (linked from this checkout: no network), and there a plain JavaScript
// job runs with `node` at parallelism 2 on real worker threads, a TypeScript job runs through the
// installed CLI, and tsc checks a TypeScript file against the installed declarations.
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProcessRun, runProcess } from '../../support/process.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const consumerFixture = fileURLToPath(new URL('./consumer/', import.meta.url));

/** Runs a command to its end; the environment has no NODE_OPTIONS, so no loader comes with it. */
function run(command: string, args: readonly string[], cwd: string): Promise<ProcessRun> {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  return runProcess(command, args, { cwd, env });
}

async function ok(command: string, args: readonly string[], cwd: string): Promise<string> {
  const result = await run(command, args, cwd);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** The files git knows in the checkout (tracked, or new and not ignored), as they are now. */
async function copyCheckout(to: string): Promise<void> {
  const listed = await ok('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root);
  for (const file of listed.split('\0').filter(Boolean)) {
    try {
      cpSync(join(root, file), join(to, file));
    } catch (error) {
      // A tracked file deleted in the working tree is not part of the package either.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function link(name: string, into: string): void {
  const at = join(into, 'node_modules', name);
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(join(root, 'node_modules', name), at, 'dir');
}

// The sums of n in [1, 1000) by n % 10 (fromSequence's end is exclusive).
const SUMS = Array.from({ length: 10 }, (_, key) => ({
  key,
  n: Array.from({ length: 999 }, (_, i) => i + 1)
    .filter((n) => n % 10 === key)
    .reduce((a, b) => a + b, 0),
}));

describe('the packed weir, installed in a project', () => {
  let work: string;
  let app: string;
  let packed: string[];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'weir-package-'));
    const checkout = join(work, 'checkout');
    await copyCheckout(checkout);
    symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    await ok('npm', ['pack', '--pack-destination', work, '--loglevel', 'error'], checkout);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack wrote no tarball in ${work}`);
    packed = (await ok('tar', ['-tzf', join(work, tarball)], work)).split('\n').filter(Boolean);

    app = join(work, 'app');
    cpSync(consumerFixture, app, { recursive: true });
    mkdirSync(join(app, 'node_modules'));
    await ok('tar', ['-xzf', join(work, tarball), '-C', join(app, 'node_modules')], work);
    renameSync(join(app, 'node_modules', 'package'), join(app, 'node_modules', 'weir'));
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules', 'weir', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies)) link(name, app);
    link('@types/node', app); // the project's own, for its TypeScript
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs the build, the CLI, the docs and the licence, and nothing of the repository else', () => {
    const files = packed.map((f) => f.replace(/^package\//, ''));
    for (const needed of [
      'package.json',
      'README.md',
      'LICENSE',
      'NOTICE',
      'bin/weir.mjs',
      'docs/jobs.md',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/index.js.map',
      'dist/task/task-worker.js',
      'dist/worker/bootstrap.mjs',
      // What users and workers load (scripts/bundle-dist.ts).
      'dist/bundle/index.js',
      'dist/bundle/task-worker.js',
      'dist/bundle/cli.js',
    ]) {
      expect(files).toContain(needed);
    }
    const unexpected = files.filter(
      (f) => !/^(?:dist\/.+\.(?:js|d\.ts|js\.map|mjs)|bin\/weir\.mjs|docs\/[^/]+\.md)$/.test(f),
    );
    expect(unexpected.sort()).toEqual(['LICENSE', 'NOTICE', 'README.md', 'package.json']);
  });

  it('resolves no devDependency from the installed package', async () => {
    const probe = await run(
      process.execPath,
      ['--input-type=module', '-e', "await import('vega-lite')"],
      join(app, 'node_modules', 'weir'),
    );
    expect(probe.code).not.toBe(0);
    expect(probe.stderr).toMatch(/Cannot find package 'vega-lite'/);
  });

  it('runs a JavaScript job with plain node on two worker threads', async () => {
    const out = await ok(process.execPath, ['main.mjs'], app);
    expect(out).toBe(`sums ${JSON.stringify(SUMS)}\nthreads 2, main thread false, execArgv []\n`);
  });

  it('runs a TypeScript job with the installed CLI', async () => {
    const cli = join(app, 'node_modules', 'weir', 'bin', 'weir.mjs');
    const out = await ok(process.execPath, [cli, 'run', 'sums.job.ts', '-p', '2', '-q'], app);
    expect(out).toBe(`sums ${JSON.stringify(SUMS)}\n`);
  });

  it('says where the experiment suite is instead of failing on a missing file', async () => {
    const cli = join(app, 'node_modules', 'weir', 'bin', 'weir.mjs');
    const bench = await run(process.execPath, [cli, 'bench', 'latency', '--quick'], app);
    expect(bench.code).toBe(2);
    expect(bench.stderr).toMatch(/experiment suite is part of weir's source repository/);
  });

  it('type-checks a TypeScript file against the installed declarations', async () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = await run(process.execPath, [tsc, '--noEmit', '-p', '.'], app);
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  });
});
