/**
 * One row per state size from the recovery runs: median and range of the recovery time and of each
 * phase, the state read rate (state bytes over the restore phase), and the target time for that
 * state (100 ms plus reading it at 500 MB/s).
 */
import { type Spread, spreadOf } from '../jobs-support/spread.ts';
import { median } from '../support/stats.ts';
import { targetMs } from './params.ts';
import type { SubtaskReplay } from './replay-protocol.ts';
import type { RecoveryPhases } from './timeline.ts';
import type { RecoverySample } from './trial.ts';

export interface RecoveryRow {
  readonly size: string;
  readonly stateBytes: number;
  readonly phases: { readonly [K in keyof RecoveryPhases]: Spread };
  /** State bytes per second of the restore phase (last worker built → every keyed subtask running). */
  readonly readBytesPerSecond: Spread;
  readonly checkpointMs: Spread;
  /** The replayed restore (one thread, subtask after subtask), bytes per second of each step. */
  readonly replay: {
    readonly rawRead: Spread;
    readonly readVerified: Spread;
    readonly unpack: Spread;
    readonly restore: Spread;
    /** Read, verify, unpack and restore together. */
    readonly total: Spread;
    /** Total replay time of the subtask with the most state, ms: a lower bound on the restore phase. */
    readonly slowestSubtaskMs: Spread;
  };
  readonly targetMs: number;
  readonly met: boolean;
  /** Peak resident set size of the process during a run (median over runs), bytes. */
  readonly peakRssBytes: number;
  readonly loadAverages: readonly (readonly number[])[];
}

const PHASES: readonly (keyof RecoveryPhases)[] = [
  'detectMs',
  'teardownMs',
  'startMs',
  'restoreMs',
  'totalMs',
  'firstRecordMs',
  'sourceFirstRecordMs',
];

export function summarise(sizes: readonly string[], samples: readonly RecoverySample[]): RecoveryRow[] {
  return sizes.map((size) => {
    const own = samples.filter((s) => s.size === size);
    const phases = Object.fromEntries(
      PHASES.map((phase) => [phase, spreadOf(own.map((s) => s.phases[phase]))]),
    ) as RecoveryRow['phases'];
    const stateBytes = median(own.map((s) => s.stateBytes));
    const target = targetMs(stateBytes);
    return {
      size,
      stateBytes,
      phases,
      readBytesPerSecond: spreadOf(own.map((s) => s.stateBytes / (s.phases.restoreMs / 1000))),
      checkpointMs: spreadOf(own.map((s) => s.checkpointMs)),
      replay: replayRates(own),
      targetMs: target,
      met: phases.totalMs.median <= target,
      peakRssBytes: median(own.map((s) => s.peakRssBytes)),
      loadAverages: own.map((s) => s.loadAverage),
    };
  });
}

function replayRates(samples: readonly RecoverySample[]): RecoveryRow['replay'] {
  const rate = (ms: (s: SubtaskReplay) => number) =>
    spreadOf(
      samples.map((sample) => {
        const bytes = sample.replay.subtasks.reduce((n, s) => n + s.bytes, 0);
        const total = sample.replay.subtasks.reduce((n, s) => n + ms(s), 0);
        return bytes / (total / 1000);
      }),
    );
  const all = (s: SubtaskReplay): number => s.readVerifiedMs + s.unpackMs + s.restoreMs;
  return {
    rawRead: rate((s) => s.rawReadMs),
    readVerified: rate((s) => s.readVerifiedMs),
    unpack: rate((s) => s.unpackMs),
    restore: rate((s) => s.restoreMs),
    total: rate(all),
    slowestSubtaskMs: spreadOf(samples.map((sample) => Math.max(...sample.replay.subtasks.map(all)))),
  };
}
