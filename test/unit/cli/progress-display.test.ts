// The live progress line: elapsed time, records read, records per second in and out, the latest
// checkpoint and restarts; in place on a terminal, one line per update otherwise.
import { describe, expect, it } from 'vitest';
import { ProgressDisplay } from '../../../src/cli/progress-display.ts';
import type { JobProgress } from '../../../src/index.ts';

const progress = (elapsedMs: number, attempt: number, read: number, written: number): JobProgress => ({
  elapsedMs,
  attempt,
  status: 'running',
  operators: [
    { name: 'source', uid: 'src', parallelism: 1, records: read },
    { name: 'sink', uid: 'out', parallelism: 1, records: written },
  ],
  subtasks: { total: 2, running: 2, finished: 0 },
});

function target(isTTY: boolean): { text: string; write(t: string): void; isTTY: boolean } {
  return {
    text: '',
    isTTY,
    write(t: string) {
      this.text += t;
    },
  };
}

describe('progress line', () => {
  it('shows rates in and out, the latest checkpoint and restarts, once a second', () => {
    const out = target(false);
    const display = new ProgressDisplay(out, ['src'], ['out']);
    display.update(progress(1000, 1, 1000, 900));
    display.update(progress(1500, 1, 1500, 1400)); // under a second later: not printed
    display.checkpoint(7);
    display.update(progress(2000, 1, 3000, 2900));
    display.update(progress(3000, 2, 100, 50)); // a restart: no rate across it
    expect(out.text.split('\n')).toEqual([
      '[1.00 s] 1000 records read, 1000 records/s in, 900 records/s out',
      '[2.00 s] 3000 records read, 2000 records/s in, 2000 records/s out, checkpoint 7',
      '[3.00 s] 100 records read, 0 records/s in, 0 records/s out, checkpoint 7, 1 restart',
      '',
    ]);
  });

  it('rewrites the line in place on a terminal', () => {
    const out = target(true);
    new ProgressDisplay(out, ['src'], ['out']).update(progress(1000, 1, 10, 10));
    expect(out.text).toBe('\r\x1b[2K[1.00 s] 10 records read, 10 records/s in, 10 records/s out');
  });
});
