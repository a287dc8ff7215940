// Every option error of `weir run` and `weir checkpoints` is one line naming the flag as typed and
// the text given, then the usage, with exit code 2; never a stack trace, never an API option name.
import { describe, expect, it } from 'vitest';
import { checkpointsCommand } from '../../../src/cli/checkpoints-command.ts';
import { runCommand } from '../../../src/cli/run-command.ts';

function capture(): { write(text: string): void; text: string } {
  return {
    text: '',
    write(text: string) {
      this.text += text;
    },
  };
}

async function run(
  command: typeof runCommand,
  argv: string[],
): Promise<{ code: number; firstLine: string; stderr: string; stdout: string }> {
  const out = capture();
  const err = capture();
  const code = await command(argv, out, err);
  return { code, firstLine: err.text.split('\n')[0]!, stderr: err.text, stdout: out.text };
}

describe('weir run option errors', () => {
  it.each([
    [['job.ts', '--bogus'], 'weir run: unknown option --bogus'],
    [['job.ts', '-x'], 'weir run: unknown option -x'],
    [['job.ts', '-p', '-1'], 'weir run: -p must be a positive integer, got -1'],
    [['job.ts', '--parallelism', '-1'], 'weir run: --parallelism must be a positive integer, got -1'],
    [['job.ts', '-p', 'abc'], 'weir run: -p must be a number, got "abc"'],
    [['job.ts', '-p', '1.5'], 'weir run: -p must be a positive integer, got 1.5'],
    [['job.ts', '-p'], 'weir run: -p needs a value'],
    [['job.ts', '-p', '--quiet'], 'weir run: -p needs a value, got the flag --quiet'],
    [['job.ts', '--quiet=yes'], 'weir run: --quiet takes no value, got "yes"'],
    [
      ['job.ts', '--checkpoint-interval', '-5'],
      'weir run: --checkpoint-interval must be a number of ms ≥ 10, got -5',
    ],
    [
      ['job.ts', '--checkpoint-interval=5'],
      'weir run: --checkpoint-interval must be a number of ms ≥ 10, got 5',
    ],
    [
      ['job.ts', '--checkpoint-mode', 'twice'],
      'weir run: --checkpoint-mode must be one of exactly-once, at-least-once, got "twice"',
    ],
    [
      ['job.ts', '--max-parallelism', '0'],
      'weir run: --max-parallelism must be an integer between 1 and 32768, got 0',
    ],
    [['job.ts', '--buffer-timeout', 'soon'], 'weir run: --buffer-timeout must be a number, got "soon"'],
    [
      ['job.ts', '--ring-capacity', '1000'],
      'weir run: --ring-capacity must be a power of two between 1024 and 1073741824 bytes, got 1000',
    ],
    [
      ['job.ts', '--state-backend', 'rocks'],
      'weir run: --state-backend must be one of heap, embedded, rocksdb, got "rocks"',
    ],
    [
      ['job.ts', '--state-backend', 'heap', '--state-dir', 'x'],
      'weir run: --state-dir needs --state-backend embedded or rocksdb, got --state-backend heap',
    ],
    [['job.ts', '--args', '{'], expect.stringMatching(/^weir run: --args must be JSON, got "\{"/)],
    [
      ['job.ts', '--restart', 'sometimes'],
      expect.stringMatching(/^weir run: --restart must be one of 'none', 'fixed-delay'.*got "sometimes"$/),
    ],
    [
      ['job.ts', '--restart', 'fixed-delay', '--restart-delay', '-3'],
      'weir run: --restart-delay must be a non-negative number, got -3',
    ],
    [
      ['job.ts', '--restart', 'fixed-delay', '--restart-attempts', 'many'],
      'weir run: --restart-attempts must be a number, got "many"',
    ],
    [
      ['job.ts', '--restart', 'none', '--restart-attempts', '3'],
      expect.stringMatching(/^weir run: --restart-attempts must be absent for restart strategy 'none'/),
    ],
    [
      ['job.ts', '--restart', 'exponential-delay', '--restart-jitter', '2'],
      'weir run: --restart-jitter must be a number between 0 and 1, got 2',
    ],
    [['job.ts', '--restart-delay', '100'], 'weir run: --restart-delay needs --restart <strategy>'],
    [['job.ts', '--fall-back-to-older'], 'weir run: --fall-back-to-older needs --from'],
    [['job.ts', '--allow-non-restored-state'], 'weir run: --allow-non-restored-state needs --from'],
    [[], 'weir run: missing the job file'],
    [['a.ts', 'b.ts'], 'weir run: one job file expected, got 2: a.ts b.ts'],
  ])('%j', async (argv, line) => {
    const result = await run(runCommand, argv);
    expect(result.code).toBe(2);
    expect(result.firstLine).toEqual(line);
    expect(result.stderr).toContain('usage: weir run <job-file>');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toMatch(/intervalMs|maxParallelism|bufferTimeoutMs|ringCapacity|delayMs/);
    expect(result.stdout).toBe('');
  });

  it('accepts the restart flags and --fall-back-to-older, then looks for the job file', async () => {
    const result = await run(runCommand, [
      'no-such-job.ts',
      '--restart',
      'failure-rate',
      '--restart-max-failures',
      '3',
      '--restart-failure-interval',
      '60000',
      '--restart-delay',
      '10',
      '--from',
      'somewhere',
      '--fall-back-to-older',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^weir run: job file not found: .*no-such-job\.ts\n$/);
  });

  it('prints its usage on --help, with exit code 0', async () => {
    const result = await run(runCommand, ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/--restart <strategy>/);
    expect(result.stdout).toMatch(/--fall-back-to-older/);
  });
});

describe('weir checkpoints option errors', () => {
  it.each([
    [['dir', '--bogus'], 'weir checkpoints: unknown option --bogus'],
    [['dir', '--json=1'], 'weir checkpoints: --json takes no value, got "1"'],
    [[], 'weir checkpoints: missing the directory'],
    [['a', 'b'], 'weir checkpoints: one directory expected, got 2: a b'],
  ])('%j', async (argv, line) => {
    const result = await run(checkpointsCommand, argv);
    expect(result.code).toBe(2);
    expect(result.firstLine).toBe(line);
    expect(result.stderr).toContain('usage: weir checkpoints <dir>');
  });

  it('fails on a directory that does not exist', async () => {
    const result = await run(checkpointsCommand, ['/no/such/weir/checkpoints']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('weir checkpoints: no such directory: /no/such/weir/checkpoints\n');
  });
});
