// weir as users get it: the repository is copied, `npm pack` builds it (prepack) and packs it, the
// tarball is unpacked into a user's project (consumer/) whose node_modules holds only weir, weir's
// runtime dependencies and the optional peers the project chose (linked from this checkout: no
// network), and there a plain JavaScript job runs with `node` at parallelism 2 on real worker
// threads, TypeScript jobs run through the installed CLI in CommonJS, ES module and untyped
// projects, a lean install says which optional package a feature needs, and tsc checks a
// TypeScript file against the installed declarations.
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
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

/** The installed CLI of the project in `dir`, run there. */
function runIn(dir: string, args: readonly string[]): Promise<ProcessRun> {
  return run(process.execPath, [join(dir, 'node_modules', 'weir', 'bin', 'weir.mjs'), ...args], dir);
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

// The sums of n in [1, 1000] by n % 10 (fromSequence includes its end, as in Flink).
const SUMS = Array.from({ length: 10 }, (_, key) => ({
  key,
  n: Array.from({ length: 1000 }, (_, i) => i + 1)
    .filter((n) => n % 10 === key)
    .reduce((a, b) => a + b, 0),
}));

describe('the packed weir, installed in a project', () => {
  let work: string;
  let app: string;
  let packed: string[];
  let tarball: string;

  /** A fresh project `name` with `manifest`, weir unpacked into it, and `peers` linked beside it. */
  async function project(name: string, manifest: object, peers: readonly string[]): Promise<string> {
    const dir = join(work, name);
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await install(dir, peers);
    return dir;
  }

  async function install(dir: string, peers: readonly string[]): Promise<void> {
    await ok('tar', ['-xzf', tarball, '-C', join(dir, 'node_modules')], work);
    renameSync(join(dir, 'node_modules', 'package'), join(dir, 'node_modules', 'weir'));
    const manifest = JSON.parse(readFileSync(join(dir, 'node_modules', 'weir', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
    };
    for (const peer of peers) expect(Object.keys(manifest.peerDependencies)).toContain(peer);
    for (const name of [...Object.keys(manifest.dependencies), ...peers]) link(name, dir);
    // What npm does for `bin`: npx weir finds node_modules/.bin/weir.
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync('../weir/bin/weir.mjs', join(dir, 'node_modules', '.bin', 'weir'));
    chmodSync(join(dir, 'node_modules', 'weir', 'bin', 'weir.mjs'), 0o755);
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'weir-package-'));
    const checkout = join(work, 'checkout');
    await copyCheckout(checkout);
    symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    await ok('npm', ['pack', '--pack-destination', work, '--loglevel', 'error'], checkout);
    const packedName = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!packedName) throw new Error(`npm pack wrote no tarball in ${work}`);
    tarball = join(work, packedName);
    packed = (await ok('tar', ['-tzf', tarball], work)).split('\n').filter(Boolean);

    app = join(work, 'app');
    cpSync(consumerFixture, app, { recursive: true });
    mkdirSync(join(app, 'node_modules'));
    // esbuild: the optional peer that TypeScript job files need.
    await install(app, ['esbuild']);
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
      // The dashboard's page, served from beside its module.
      'dist/dashboard/page/index.html',
      'dist/dashboard/page/dashboard.css',
    ]) {
      expect(files).toContain(needed);
    }
    const unexpected = files.filter(
      (f) =>
        !/^(?:dist\/.+\.(?:js|d\.ts|js\.map|mjs)|dist\/dashboard\/page\/[^/]+\.(?:html|css)|bin\/weir\.mjs|docs\/[^/]+\.md)$/.test(
          f,
        ),
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

  describe.each([
    ['a CommonJS project (npm init -y)', { name: 'cjs-app', version: '1.0.0', type: 'commonjs' }],
    ['an ES module project', { name: 'esm-app', version: '1.0.0', type: 'module' }],
    ['a project without a type field', { name: 'untyped-app', version: '1.0.0' }],
  ])('in %s', (_kind, manifest) => {
    let dir: string;
    beforeAll(async () => {
      dir = await project(manifest.name, manifest, ['esbuild']);
      cpSync(join(consumerFixture, 'sums.job.ts'), join(dir, 'sums.job.ts'));
      writeFileSync(
        join(dir, 'defined.job.ts'),
        [
          "import { defineJob } from 'weir';",
          'interface Sum { key: number; n: number }',
          'export default defineJob<{ to: number }>((env, { to }) => {',
          "  env.fromSequence(1, to).map((n: number): Sum => ({ key: n % 10, n })).keyBy('key').sum('n').collect({ uid: 'sums' });",
          "}, { runtimeMode: 'batch' });",
          '',
        ].join('\n'),
      );
    });

    it('runs a TypeScript script job and a TypeScript defineJob module with npx weir run', async () => {
      const out = await ok('npx', ['weir', 'run', 'sums.job.ts', '-p', '2', '-q'], dir);
      expect(out).toBe(`sums ${JSON.stringify(SUMS)}\n`);
      const defined = await ok(
        'npx',
        ['weir', 'run', 'defined.job.ts', '-p', '2', '--args', '{"to": 1000}'],
        dir,
      );
      expect(defined).toMatch(/collected "sums": 10 records/);
      for (const sum of SUMS) expect(defined).toContain(`  ${JSON.stringify(sum)}\n`);
    });

    it('names the line of the job that failed for want of --args, in one line', async () => {
      const run = await runIn(dir, ['run', 'defined.job.ts', '-q']);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        "weir run: the job failed to build its pipeline: TypeError: Cannot destructure property 'to' of 'undefined' " +
          `as it is undefined. (at ${join(dir, 'defined.job.ts')}:3:50) (the job was given no --args)\n`,
      );
    });

    it('names the file and line of a syntax error in a TypeScript job, in one line', async () => {
      writeFileSync(
        join(dir, 'broken.job.ts'),
        "import { defineJob } from 'weir';\nexport default defineJob((env) => {\n  env.fromSequence(1, 3).map((n) => n +);\n});\n",
      );
      const run = await runIn(dir, ['run', 'broken.job.ts']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        /^weir run: job module .*broken\.job\.ts: syntax error at broken\.job\.ts:3:\d+: .* \[ERR_JOB_MODULE\]\n$/,
      );
    });
  });

  it('keeps a JavaScript project lean: no optional peer installed, and errors that say what to install', async () => {
    const lean = await project('lean-app', { name: 'lean-app', version: '1.0.0', type: 'module' }, []);
    cpSync(join(consumerFixture, 'sums.job.mjs'), join(lean, 'sums.job.mjs'));
    cpSync(join(consumerFixture, 'main.mjs'), join(lean, 'main.mjs'));
    cpSync(join(consumerFixture, 'sums.job.ts'), join(lean, 'sums.job.ts'));
    for (const peer of ['esbuild', 'tsx', 'lmdb', 'hono', 'prom-client'])
      expect(existsSync(join(lean, 'node_modules', peer))).toBe(false);
    expect(await ok(process.execPath, ['main.mjs'], lean)).toMatch(/^sums /);
    const typescript = await runIn(lean, ['run', 'sums.job.ts', '-q']);
    expect(typescript.code).toBe(1);
    expect(typescript.stderr).toBe(
      'weir run: Running a TypeScript job file needs the package "esbuild", which is not installed: ' +
        'run npm install esbuild [ERR_MISSING_DEPENDENCY]\n',
    );
    const embedded = await runIn(lean, [
      'run',
      'sums.job.mjs',
      '-q',
      '--args',
      '{"to": 10}',
      '--state-backend',
      'embedded',
    ]);
    expect(embedded.code).toBe(1);
    expect(embedded.stderr).toMatch(/needs the package "lmdb", which is not installed: run npm install lmdb/);
    const dashboard = await runIn(lean, ['run', 'sums.job.mjs', '-q', '--args', '{"to": 10}', '--dashboard']);
    expect(dashboard.code).toBe(2);
    expect(dashboard.stderr).toMatch(
      /The job dashboard needs the package "(hono|@hono\/node-server|prom-client)", which is not installed/,
    );
    const loaderless = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { executeJob } from 'weir'; await executeJob('./sums.job.ts').catch((e) => console.log(e.code, e.message));",
      ],
      lean,
    );
    expect(loaderless.stdout).toMatch(
      /^ERR_JOB_MODULE job module .*sums\.job\.ts: is TypeScript, which Node cannot import without a loader: run it with `npx weir run`, or start node with `--import tsx`/,
    );
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
