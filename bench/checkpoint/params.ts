/**
 * Every parameter of the checkpoint benchmark, in one place, with the reason for its value, and
 * the targets of the issue. The full run takes about 40 minutes on a 2-core machine; `--quick` is
 * a CI smoke run of about 30 s.
 */

/** How the two inputs are shaped. */
export interface InputShape {
  readonly name: 'balanced' | 'hot-key' | 'busy-source';
  readonly description: string;
  /** Share of the records on one hot key (0: uniform over the keys). */
  readonly hotKeyShare: number;
  /** Records per second of the right source; null: unlimited, like the left one. */
  readonly rightRatePerSecond: number | null;
}

/** How much keyed state the job holds: `keys × payloadBytes`, plus a count per key. */
export interface StateSize {
  readonly name: string;
  readonly keys: number;
  readonly payloadBytes: number;
}

/** One checkpointing setting of the job; null interval: checkpoints off. */
export interface CheckpointSetting {
  readonly mode: 'off' | 'exactly-once' | 'at-least-once';
  readonly intervalMs: number | null;
  /** Incremental checkpoints (`checkpointing.incremental`). */
  readonly incremental?: boolean;
}

export interface CheckpointBenchParams {
  /** Shapes of the main matrix (every setting runs on each). */
  readonly shapes: readonly InputShape[];
  /** Settings of the main matrix. */
  readonly settings: readonly CheckpointSetting[];
  /** State of the main matrix. */
  readonly state: StateSize;
  /** Larger states, run balanced with checkpoints off and with each of `stateSweepSettings`. */
  readonly stateSweep: readonly StateSize[];
  readonly stateSweepSettings: readonly CheckpointSetting[];
  readonly keyedParallelism: number;
  /** From the first record to the start of the measurement window. */
  readonly warmupMs: number;
  /** Shortest measurement window; a window also spans at least `intervalsPerWindow` intervals. */
  readonly minWindowMs: number;
  readonly intervalsPerWindow: number;
  /** Repeat runs; every configuration runs once per round, rounds alternate in direction. */
  readonly rounds: number;
  /** A job whose first record has not arrived by then is a failed run. */
  readonly startTimeoutMs: number;
  /**
   * The paired experiment (segments.ts): per shape and mode one job, alternating segments without
   * checkpoints and with checkpoints every interval.
   */
  readonly segments: {
    readonly shapes: readonly InputShape[];
    readonly modes: readonly ('exactly-once' | 'at-least-once')[];
    readonly intervals: readonly number[];
    readonly segmentMs: number;
    readonly cycles: number;
    /** Larger states, balanced input, exactly-once at 1 s: one job each, full or incremental. */
    readonly states: ReadonlyArray<{ readonly state: StateSize; readonly incremental: boolean }>;
  };
  /** The synchronous part measured in isolation (sync-part.ts): states and repetitions. */
  readonly syncPart: { readonly states: readonly StateSize[]; readonly repetitions: number };
}

export const SHAPES = {
  // Both sources unlimited, keys uniform: every channel full, the keyed subtasks equally loaded.
  balanced: {
    name: 'balanced',
    description: 'both sources unlimited, keys uniform',
    hotKeyShare: 0,
    rightRatePerSecond: null,
  },
  // 80 % of the records on one key, so one keyed subtask gets ~90 % of the records: it is the
  // bottleneck, its channels are full, the other subtask's nearly empty (Flink's data-skew case).
  hotKey: {
    name: 'hot-key',
    description: '80 % of the records on one key (one keyed subtask gets ~90 %)',
    hotKeyShare: 0.8,
    rightRatePerSecond: null,
  },
  // The right source capped at 50 000 records/s, ~1 % of the left one's: its channels stay nearly
  // empty, so its barrier arrives at once and the keyed subtasks wait for the left barrier behind a
  // full ring (the alignment case in Flink's unaligned-checkpoint motivation).
  busySource: {
    name: 'busy-source',
    description: 'left source unlimited, right source capped at 50 000 records/s',
    hotKeyShare: 0,
    rightRatePerSecond: 50_000,
  },
} as const satisfies Record<string, InputShape>;

const OFF: CheckpointSetting = { mode: 'off', intervalMs: null };
// The intervals: 100 ms (aggressive, Flink's practical minimum), 1 s (the target's), 10 s.
const ALL_SETTINGS: readonly CheckpointSetting[] = [
  OFF,
  ...(['exactly-once', 'at-least-once'] as const).flatMap((mode) =>
    [100, 1000, 10_000].map((intervalMs) => ({ mode, intervalMs })),
  ),
];

// 10 000 keys × 100 B (~1.1 MB of state in snapshots): every key is touched many times per interval,
// so copy-on-write copies tables between snapshots, and a snapshot has real bytes to encode and ship.
const SMALL_STATE: StateSize = { name: '1 MB', keys: 10_000, payloadBytes: 100 };

/** The full run, recorded in docs/benchmarks/checkpoint.md. */
export const FULL: CheckpointBenchParams = {
  shapes: [SHAPES.balanced, SHAPES.hotKey, SHAPES.busySource],
  settings: ALL_SETTINGS,
  state: SMALL_STATE,
  // 100 000 keys × 100 B (~11 MB) and × 1000 B (~100 MB, the bound for the sync target).
  stateSweep: [
    { name: '10 MB', keys: 100_000, payloadBytes: 100 },
    { name: '100 MB', keys: 100_000, payloadBytes: 1000 },
  ],
  stateSweepSettings: [
    { mode: 'exactly-once', intervalMs: 1000 },
    { mode: 'exactly-once', intervalMs: 1000, incremental: true },
  ],
  // Two keyed subtasks (each with one channel per source, two sources): four worker threads on a
  // 2-core machine, and the hot key can make one keyed subtask the bottleneck.
  keyedParallelism: 2,
  // 3 s: JIT warm-up, rings filled, state filled (every key seen), a first checkpoint or two taken.
  warmupMs: 3000,
  // 10 s windows, and three intervals at least (30 s at 10 s) so that every window holds checkpoints.
  minWindowMs: 10_000,
  intervalsPerWindow: 3,
  // Three rounds: a median and a range within half an hour (the segments take another 13 minutes).
  rounds: 3,
  startTimeoutMs: 60_000,
  // 10 s segments hold 10 checkpoints at 1 s; four cycles (ABC CBA ABC CBA) give four pairs per
  // interval, two minutes per job. 10 s intervals are left to the matrix: a segment would need
  // minutes to hold a few of them, and their cost is bounded by a tenth of the 1 s cost.
  segments: {
    shapes: [SHAPES.balanced, SHAPES.hotKey, SHAPES.busySource],
    modes: ['exactly-once', 'at-least-once'],
    intervals: [1000, 100],
    segmentMs: 10_000,
    cycles: 4,
    // The target at the larger states, in the same job: incremental at 10 MB and 100 MB,
    // and full at 100 MB for comparison.
    states: [
      { state: { name: '10 MB', keys: 100_000, payloadBytes: 100 }, incremental: true },
      { state: { name: '100 MB', keys: 100_000, payloadBytes: 1000 }, incremental: true },
      { state: { name: '100 MB', keys: 100_000, payloadBytes: 1000 }, incremental: false },
    ],
  },
  // The main state and the 100 MB bound, all in one subtask (the worst case: p = 1); 500
  // snapshots give a p99 from five values above it.
  syncPart: {
    states: [SMALL_STATE, { name: '100 MB', keys: 100_000, payloadBytes: 1000 }],
    repetitions: 500,
  },
};

/** `--quick`: the same experiment, small enough for a CI smoke test. */
export const QUICK: CheckpointBenchParams = {
  ...FULL,
  shapes: [SHAPES.balanced],
  // Off against both modes at 100 ms: the most checkpoints per second of window.
  settings: [OFF, { mode: 'exactly-once', intervalMs: 100 }, { mode: 'at-least-once', intervalMs: 100 }],
  stateSweep: [],
  warmupMs: 1000,
  minWindowMs: 3000,
  intervalsPerWindow: 3,
  rounds: 1,
  segments: {
    shapes: [SHAPES.balanced],
    modes: ['exactly-once'],
    intervals: [100],
    segmentMs: 2000,
    cycles: 2,
    states: [],
  },
  syncPart: { states: [SMALL_STATE], repetitions: 200 },
};

/** The targets of the issue, checked at the end of every run. */
export const TARGETS = {
  /** Exactly-once at 1 s may cost at most this share of the throughput without checkpoints. */
  exactlyOnceAt1sMaxCost: 0.05,
  /** The synchronous part of a snapshot, per subtask, for state up to 100 MB. */
  syncPartMaxMs: 1,
} as const;
