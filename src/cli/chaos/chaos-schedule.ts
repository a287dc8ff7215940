/**
 * The seeded failure schedule of `weir chaos`: for a seed and a run number, which faults to inject
 * where. Pure: the same seed, run and job profile give the same faults at the same records, so a
 * failing run is replayed exactly with `--seed` and `--run`. Each run injects one or two faults;
 * the first cycles through the four kinds (run 1 a throw, run 2 a terminated thread, run 3 a failed
 * asynchronous checkpoint part, run 4 `kill -9`, ...), the second, in half the runs, is of a random
 * kind, so that the mix includes failures during recovery.
 */
import type { InjectedFault } from '../../runtime/protocol.ts';
import { seededRandom } from '../../util/seeded-random.ts';

/** What the failure-free run showed of the job: where faults can strike. */
export interface JobProfile {
  /** Every operator with the records each of its subtasks received (sources: emitted). */
  readonly operators: ReadonlyArray<{
    readonly uid: string;
    readonly parallelism: number;
    readonly records: number;
    /** Records by subtask, when known (a keyed input may be skewed); else taken as even. */
    readonly bySubtask?: readonly number[];
  }>;
  /** Checkpoints the failure-free run completed. */
  readonly checkpoints: number;
}

export const FAULT_KINDS = ['throw', 'terminate-thread', 'fail-checkpoint-async', 'kill-process'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The faults of run `run` (1-based) of the schedule seeded with `seed`. */
export function scheduleRun(seed: number, run: number, profile: JobProfile): InjectedFault[] {
  const random = seededRandom(mix(seed, run));
  const operators = profile.operators.filter((o) => o.records >= o.parallelism);
  if (operators.length === 0) return [];
  const kinds: FaultKind[] = [FAULT_KINDS[(run - 1) % FAULT_KINDS.length]!];
  if (random() < 0.5) kinds.push(FAULT_KINDS[Math.floor(random() * FAULT_KINDS.length)]!);
  return kinds.map((kind) => {
    const operator = operators[Math.floor(random() * operators.length)]!;
    // A subtask that received records (a keyed input may leave one without any).
    const busy = Array.from({ length: operator.parallelism }, (_, i) => i).filter(
      (i) => (operator.bySubtask?.[i] ?? 1) > 0,
    );
    const subtask = busy[Math.floor(random() * busy.length)] ?? 0;
    if (kind === 'fail-checkpoint-async') {
      // The first checkpoints are the ones every subtask takes, however its input is spread.
      const atCheckpoint = 1 + Math.floor(random() * Math.max(1, Math.min(3, profile.checkpoints)));
      return { kind, operatorUid: operator.uid, subtask, atCheckpoint };
    }
    // Within the first 90 % of what that subtask received, so that it fires even when a run's
    // input is spread over subtasks a little differently.
    const perSubtask = operator.bySubtask?.[subtask] ?? Math.floor(operator.records / operator.parallelism);
    const atRecord = 1 + Math.floor(random() * Math.max(1, Math.floor(perSubtask * 0.9)));
    return { kind, operatorUid: operator.uid, subtask, atRecord };
  });
}

/** One line for a fault: `throw in parse[1] at record 523`. */
export function describeFault(fault: InjectedFault): string {
  const where = `${fault.operatorUid}[${fault.subtask}]`;
  return 'atRecord' in fault
    ? `${fault.kind} in ${where} at record ${fault.atRecord}`
    : `${fault.kind} in ${where} at checkpoint ${fault.atCheckpoint}`;
}

/** A 32-bit seed from the run's seed and number. */
function mix(seed: number, run: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = (h + Math.imul(run, 0xc2b2ae35)) >>> 0;
  return Math.imul(h ^ (h >>> 13), 0x27d4eb2f) >>> 0;
}
