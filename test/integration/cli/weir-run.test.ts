// `weir run` runs script and defineJob modules, reports failures with a non-zero exit code, and
// cancels cleanly on Ctrl-C.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function weir(
  args: string[],
  options: { env?: Record<string, string>; interruptOn?: RegExp } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/weir.mjs', ...args], {
      cwd: root,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.interruptOn && !interrupted && options.interruptOn.test(stdout)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('weir run', () => {
  it('runs a script job whose post-execute code runs once', async () => {
    const run = await weir(['run', 'test/integration/jobs/script.job.ts', '-p', '2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.match(/after execute: main thread only/g)).toHaveLength(1);
    expect(run.stdout).toMatch(/final(:\d)?> \{"key":\d,"n":\d+\}/);
    expect(run.stdout).toMatch(/job "script job" finished/);
  });

  it('runs a defineJob module with --args and prints its collected results', async () => {
    const args = JSON.stringify({ lines: ['a b', 'b c c'] });
    const run = await weir(['run', 'test/integration/jobs/word-count.job.ts', '-p', '2', '--args', args]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/collected "counts": 5 records/);
  });

  it('exits 1 with the typed error when the job fails', async () => {
    const run = await weir([
      'run',
      'test/integration/jobs/failing.job.ts',
      '-p',
      '1',
      '--args',
      '{"failAt": 10}',
      '-q',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /operator "explode" \(uid exploding-map, subtask 0\) failed on record .*ERR_USER_FUNCTION/,
    );
  });

  it('cancels on Ctrl-C and exits 130', async () => {
    const run = await weir(['run', 'test/integration/jobs/script.job.ts', '-p', '2'], {
      env: { WEIR_TEST_UNBOUNDED: '1' },
      interruptOn: /records read/,
    });
    expect(run.stderr).toMatch(/cancelling/);
    expect(run.stderr).toMatch(/job cancelled/);
    expect(run.code).toBe(130);
  });

  it('prints a line per completed checkpoint, and `weir checkpoints` lists and describes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-cli-chk-'));
    try {
      const run = await weir([
        'run',
        'test/integration/jobs/keyed-count.job.ts',
        '-p',
        '1',
        '--checkpoint-interval',
        '50',
        '--checkpoint-dir',
        dir,
        '--args',
        '{"count": 3000, "ratePerSecond": 6000}',
      ]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/checkpoint \d+ completed in \d+ ms, .*chk-\d+/);
      const list = await weir(['checkpoints', dir]);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/checkpoint\s+\S+\s+[\d.]+ (B|KiB).*counter\(1\)/);
      const latest = list.stdout.trim().split('\n').at(-1)!.split(/\s+/).at(-1)!;
      const described = await weir(['checkpoints', latest]);
      expect(described.stdout).toMatch(/operator uid\s+vertex\s+parallelism/);
      expect(described.stdout).toMatch(/counter\s+counter\s+1\s+128/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps keyed state on disk with --state-backend embedded --state-dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-cli-state-'));
    try {
      const args = JSON.stringify({ lines: ['a b', 'b c c'] });
      const run = await weir([
        'run',
        'test/integration/jobs/word-count.job.ts',
        '-p',
        '2',
        '--state-backend',
        'embedded',
        '--state-dir',
        dir,
        '--args',
        args,
      ]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/collected "counts": 5 records/);
      // The directory reaches the keyed operators' backends: one that cannot be created fails the job.
      const blocked = join(dir, 'file');
      writeFileSync(blocked, '');
      const failed = await weir([
        'run',
        'test/integration/jobs/word-count.job.ts',
        '--state-backend',
        'embedded',
        '--state-dir',
        join(blocked, 'state'),
        '--args',
        args,
        '-q',
      ]);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toContain(join(blocked, 'state'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad flag before importing the job: one line naming the flag as typed, then the usage', async () => {
    const run = await weir(['run', 'test/integration/jobs/script.job.ts', '-p', '0', '-q']);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe('weir run: -p must be a positive integer, got 0');
    expect(run.stderr).toContain('usage: weir run <job-file>');
    expect(run.stdout).toBe('');
  });

  it('prints its version', async () => {
    const run = await weir(['--version']);
    expect(run.code).toBe(0);
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(run.stdout).toBe(`weir ${version}\n`);
  });

  describe('job files that cannot run, each with a one-line error and no stack', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'weir-run-errors-'));
      writeFileSync(join(dir, 'broken.job.mjs'), 'const a = 1;\nconst b = (;\n');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const oneLine = (run: Run) => {
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    };

    it('a missing job file', async () => {
      const run = await weir(['run', join(dir, 'missing.job.ts')]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`weir run: job file not found: ${join(dir, 'missing.job.ts')}\n`);
    });

    it('a syntax error, with the file and line', async () => {
      const run = await weir(['run', join(dir, 'broken.job.mjs')]);
      expect(run.code).toBe(1);
      oneLine(run);
      expect(run.stderr).toBe(
        `weir run: job module ${join(dir, 'broken.job.mjs')}: syntax error at ${join(dir, 'broken.job.mjs')}:2: Unexpected token ';' [ERR_JOB_MODULE]\n`,
      );
    });

    it('missing --args', async () => {
      const run = await weir(['run', 'test/integration/jobs/word-count.job.ts', '-q']);
      expect(run.code).toBe(1);
      oneLine(run);
      expect(run.stderr).toMatch(
        /^weir run: the job failed to build its pipeline: TypeError: .*\(at .*word-count\.job\.ts:\d+:\d+\) \(the job was given no --args\)\n$/,
      );
    });

    it('wrong --args', async () => {
      const run = await weir([
        'run',
        'test/integration/jobs/word-count.job.ts',
        '-q',
        '--args',
        '{"lines": 3}',
      ]);
      expect(run.code).toBe(1);
      oneLine(run);
      expect(run.stderr).toMatch(
        /^weir run: the job failed to build its pipeline: .*got 3 \[ERR_INVALID_OPTION\]\n$/,
      );
    });
  });
});
