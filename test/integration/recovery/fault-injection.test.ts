// The runtime's test-only failure-injection hook: each kind of fault fires once, at the record or
// checkpoint it names, the job recovers, and its exactly-once output equals a failure-free run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startJob } from '../../../src/index.ts';
import { type InjectedFault, setFaultInjection } from '../../../src/runtime/fault-injection.ts';
import { committedLines, expectedChaosLines } from '../../support/committed-lines.ts';
import type { ChaosArgs } from '../jobs/chaos.job.ts';

const root = mkdtempSync(join(tmpdir(), 'weir-faults-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => setFaultInjection(undefined));

const cases: Array<[string, InjectedFault]> = [
  ['throw in the map', { kind: 'throw', operatorUid: 'tag', subtask: 1, atRecord: 700 }],
  ['thread terminated', { kind: 'terminate-thread', operatorUid: 'counter', subtask: 0, atRecord: 300 }],
  ['source stopped', { kind: 'kill-process', operatorUid: 'numbers', subtask: 0, atRecord: 500 }],
  [
    'async part failed',
    { kind: 'fail-checkpoint-async', operatorUid: 'counter', subtask: 1, atCheckpoint: 2 },
  ],
];

describe('failure injection', () => {
  it.each(cases)('%s: fires once, output exact', async (_name, fault) => {
    const count = 2000;
    const keys = 7;
    const output = join(root, `out-${fault.kind}`);
    const fired: number[] = [];
    setFaultInjection({ faults: [fault], onFired: (_f, index) => fired.push(index) });
    const args: ChaosArgs = {
      count,
      ratePerSecond: 6000,
      keys,
      output,
      throwAt: [],
      exitAt: [],
      fired: new SharedArrayBuffer(4),
    };
    const client = await startJob(new URL('../jobs/chaos.job.ts', import.meta.url), {
      args,
      environment: {
        parallelism: 2,
        checkpointing: {
          intervalMs: 50,
          storage: { kind: 'filesystem', dir: join(root, `chk-${fault.kind}`) },
        },
        restart: { strategy: 'fixed-delay', attempts: 5, delayMs: 10 },
      },
    });
    const failures: string[] = [];
    client.on('failure', (failure) => failures.push(failure.error.message));
    const result = await client.result;
    expect(fired).toEqual([0]);
    expect(result.attempts).toBe(2);
    expect(failures).toHaveLength(1);
    expect(committedLines(output).sort()).toEqual(expectedChaosLines(count, keys).sort());
  });

  it('rejects a malformed fault naming it', () => {
    expect(() =>
      setFaultInjection({ faults: [{ kind: 'throw', operatorUid: 'x', subtask: 0, atRecord: 0 }] }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION', option: 'faults[0].at' }));
  });
});
