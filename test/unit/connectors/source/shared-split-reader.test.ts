// The text file source's subtasks share one queue of byte ranges: every line is read exactly once
// whichever subtask claims which range, and a checkpoint (each subtask's barrier at its own moment)
// restored at any parallelism reads exactly the lines that no subtask had emitted before its barrier.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { textFileSource } from '../../../../src/connectors/file/text-file-source.ts';
import { remainingQueue } from '../../../../src/connectors/source/shared-split-reader.ts';
import { type OperatorContext, SOURCE_END, type SourceReader } from '../../../../src/operators/operator.ts';
import { operatorContext } from '../../../support/operator-context.ts';

const dir = mkdtempSync(join(tmpdir(), 'weir-shared-splits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(subtaskIndex: number, parallelism: number, cursor: Int32Array): OperatorContext {
  return operatorContext({
    operatorName: 'src',
    operatorUid: 'src-0',
    subtaskIndex,
    parallelism,
    splitCursor: cursor,
  });
}

/** `p` readers of one attempt, sharing a fresh cursor. */
function attempt(file: string, p: number, rangeBytes: number): SourceReader[] {
  const cursor = new Int32Array(new SharedArrayBuffer(4));
  return Array.from({ length: p }, (_, i) => textFileSource(file, { rangeBytes })(context(i, p, cursor)));
}

const lineArbitrary = fc
  .array(fc.oneof(fc.string({ maxLength: 12 }), fc.constant('')), { minLength: 0, maxLength: 60 })
  .map((ls) => ls.map((l, i) => `${i}:${l.replace(/[\r\n]/g, '_')}`));

describe('shared split queue (text file source)', () => {
  it('reads every line exactly once, whatever order the subtasks poll in', () => {
    fc.assert(
      fc.property(
        lineArbitrary,
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 50 }),
        (lines, p, rangeBytes, schedule) => {
          const file = join(dir, 'lines.txt');
          writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
          const readers = attempt(file, p, rangeBytes);
          const got: unknown[] = [];
          const ended = new Set<number>();
          for (let step = 0; ended.size < p; step++) {
            // The scheduled subtask, or the next one still reading.
            let i = (schedule[step % schedule.length] ?? 0) % p;
            while (ended.has(i)) i = (i + 1) % p;
            if (readers[i]!.poll({ collect: (x) => got.push(x) }, 1 + (step % 4)) === SOURCE_END)
              ended.add(i);
          }
          expect([...got].sort()).toEqual([...lines].sort());
        },
      ),
      { numRuns: 80 },
    );
  });

  it('restores a checkpoint whose barriers reached the subtasks at different moments, at any parallelism', () => {
    fc.assert(
      fc.property(
        lineArbitrary,
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 80 }),
        fc.array(fc.nat({ max: 40 }), { minLength: 4, maxLength: 4 }),
        (lines, p, q, rangeBytes, schedule, barrierSteps) => {
          const file = join(dir, 'checkpointed.txt');
          writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
          const readers = attempt(file, p, rangeBytes);
          // Each subtask snapshots when its own barrier arrives, then keeps reading (that output is
          // after the checkpoint: lost with the failure, and read again after the restore).
          const before: unknown[] = [];
          const snapshots: (unknown[] | undefined)[] = readers.map(() => undefined);
          const polls = readers.map(() => 0);
          for (let step = 0; step < 200 && snapshots.some((s) => s === undefined); step++) {
            const i = (schedule[step % schedule.length] ?? 0) % p;
            if (snapshots[i] === undefined && polls[i]! >= (barrierSteps[i] ?? 0)) {
              snapshots[i] = readers[i]!.snapshotSplits();
              continue;
            }
            polls[i]!++;
            const out = snapshots[i] === undefined ? before : [];
            readers[i]!.poll({ collect: (x) => out.push(x) }, 1 + (step % 3));
          }
          for (let i = 0; i < p; i++) snapshots[i] ??= readers[i]!.snapshotSplits();
          for (const r of readers) r.close?.();
          // Restore: every new subtask gets all old states (union), in old-subtask order.
          const union = snapshots.flatMap((s) => s!);
          const restored = attempt(file, q, rangeBytes);
          const after: unknown[] = [];
          for (const r of restored) r.restoreSplits(union);
          for (const r of restored) while (r.poll({ collect: (x) => after.push(x) }, 5) !== SOURCE_END);
          expect([...before, ...after].sort()).toEqual([...lines].sort());
        },
      ),
      { numRuns: 120 },
    );
  });

  it('takes plain split lists of sources that did not share a queue as remaining splits', () => {
    const plain = [
      { offset: 0, end: 10, aligned: true },
      { offset: 10, end: 20, aligned: false },
    ];
    expect(remainingQueue(plain)).toEqual(plain);
  });
});
