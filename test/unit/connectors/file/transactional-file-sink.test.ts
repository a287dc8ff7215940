// The exactly-once file sink, driven as the runtime drives it through any sequence of writes,
// checkpoints that complete, abort or stay pending, and failures with a restore from the latest
// completed checkpoint (or from scratch): the committed lines are every record once, and once
// the job ended no in-progress file is left behind.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { transactionalFileSink } from '../../../../src/connectors/file/transactional-file-sink.ts';
import type { Operator } from '../../../../src/operators/operator.ts';
import { operatorContext, streamOutput } from '../../../support/operator-context.ts';

const scratch = mkdtempSync(join(tmpdir(), 'weir-file-sink-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let runs = 0;

/** What happens next to the job: each sink subtask sees the same sequence. */
type Step =
  | { readonly kind: 'write'; readonly records: number }
  | { readonly kind: 'checkpoint'; readonly ends: 'completed' | 'aborted' | 'pending' }
  | { readonly kind: 'fail' };

/**
 * The runtime around `parallelism` sink subtasks: record n goes to subtask n mod parallelism, a
 * checkpoint snapshots every subtask, a failure closes them and starts new ones that restore the
 * latest completed checkpoint's states (dealt as the restore plan deals them) and replay the
 * records after it; at the end, input ends and a final checkpoint completes.
 */
async function run(steps: readonly Step[], parallelism: number): Promise<string> {
  const dir = join(scratch, `run-${runs++}`);
  const factory = transactionalFileSink(dir);
  let next = 0; // the next record the source emits
  let checkpointId = 0;
  let latest: { position: number; states: unknown[] } | undefined;
  const pending = new Map<number, { position: number; states: unknown[] }>();
  let restarted = false;
  let sinks: Operator[] = [];
  const start = async (): Promise<void> => {
    sinks = Array.from({ length: parallelism }, (_, subtaskIndex) =>
      factory(
        operatorContext({ subtaskIndex, parallelism, transactional: true }),
        streamOutput(() => {}),
      ),
    );
    for (const sink of sinks) await sink.open?.();
    if (!restarted) return;
    for (const [index, sink] of sinks.entries())
      await sink.restoreState?.((latest?.states ?? []).filter((_, old) => old % parallelism === index));
    next = latest?.position ?? 0;
  };
  const checkpoint = async (ends: 'completed' | 'aborted' | 'pending'): Promise<void> => {
    const id = ++checkpointId;
    const taken = { position: next, states: sinks.map((sink) => sink.snapshotState?.(id)) };
    pending.set(id, taken);
    if (ends === 'aborted') {
      pending.delete(id);
      for (const sink of sinks) sink.notifyCheckpointAborted?.(id);
    } else if (ends === 'completed') {
      latest = taken;
      for (const older of pending.keys()) if (older <= id) pending.delete(older);
      for (const sink of sinks) await sink.notifyCheckpointComplete?.(id);
    }
  };
  await start();
  for (const step of steps) {
    if (step.kind === 'write') {
      for (let i = 0; i < step.records; i++, next++) sinks[next % parallelism]!.process(`record ${next}`);
    } else if (step.kind === 'checkpoint') {
      await checkpoint(step.ends);
    } else {
      for (const sink of sinks) await sink.close?.();
      pending.clear();
      restarted = true;
      await start();
    }
  }
  for (const sink of sinks) await sink.finish?.();
  await checkpoint('completed');
  for (const sink of sinks) await sink.close?.();
  return dir;
}

function committedLines(dir: string): string[] {
  const lines: string[] = [];
  for (const name of readdirSync(dir).filter((n) => !n.startsWith('.')))
    lines.push(...readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean));
  return lines.sort();
}

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), records: fc.integer({ min: 1, max: 5 }) }),
  fc.record({
    kind: fc.constant('checkpoint' as const),
    ends: fc.constantFrom('completed' as const, 'aborted' as const, 'pending' as const),
  }),
  fc.constant({ kind: 'fail' as const }),
);

describe('the transactional file sink', () => {
  it('leaves no in-progress file after two uncompleted checkpoints and a restore of an older one', async () => {
    const dir = await run(
      [
        { kind: 'write', records: 2 },
        { kind: 'checkpoint', ends: 'completed' },
        { kind: 'write', records: 2 },
        { kind: 'checkpoint', ends: 'aborted' },
        { kind: 'write', records: 2 },
        { kind: 'checkpoint', ends: 'pending' },
        { kind: 'write', records: 2 },
        { kind: 'fail' },
        { kind: 'write', records: 6 },
      ],
      1,
    );
    expect(readdirSync(dir).filter((n) => n.endsWith('.inprogress'))).toEqual([]);
    expect(committedLines(dir)).toEqual(Array.from({ length: 8 }, (_, n) => `record ${n}`).sort());
  });

  it('leaves none after a failure before any checkpoint completed (a restart from scratch)', async () => {
    const dir = await run(
      [
        { kind: 'write', records: 3 },
        { kind: 'checkpoint', ends: 'pending' },
        { kind: 'write', records: 1 },
        { kind: 'fail' },
        { kind: 'write', records: 4 },
      ],
      2,
    );
    expect(readdirSync(dir).filter((n) => n.endsWith('.inprogress'))).toEqual([]);
    expect(committedLines(dir)).toEqual(Array.from({ length: 4 }, (_, n) => `record ${n}`).sort());
  });

  it.each([1, 2])(
    'commits every record once and leaves nothing behind, through any failures (parallelism %i)',
    async (parallelism) => {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
          const dir = await run(steps, parallelism);
          try {
            expect(readdirSync(dir).filter((n) => n.endsWith('.inprogress'))).toEqual([]);
            expect(committedLines(dir)).toEqual(
              Array.from({ length: finalPosition(steps) }, (_, n) => `record ${n}`).sort(),
            );
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }),
        { numRuns: 150 },
      );
    },
  );
});

/** Where the source stands at the end of `steps`: writes advance it, a failure rewinds it to the latest completed checkpoint. */
function finalPosition(steps: readonly Step[]): number {
  let position = 0;
  let latest = 0;
  for (const s of steps) {
    if (s.kind === 'write') position += s.records;
    else if (s.kind === 'checkpoint' && s.ends === 'completed') latest = position;
    else if (s.kind === 'fail') position = latest;
  }
  return position;
}
