/**
 * The three experiments of the suite, each a declared list of parameters with the reason for each
 * value (printed in the report next to the figures), a full and a quick (CI smoke) parameter set,
 * and the plan of configurations it runs.
 *
 * 1. `alignment`: what barrier alignment costs: checkpoints off vs exactly-once vs at-least-once,
 *    over interval, parallelism, input channels and input skew, at saturation.
 * 2. `latency`: exactly-once vs at-least-once end-to-end latency at the same offered loads, with a
 *    normal and a slow (backpressuring) sink, next to the same job without checkpoints and a
 *    single-threaded Node.js peer.
 * 3. `interval-sweep`: throughput overhead against the checkpoint interval, in the style of the
 *    asynchronous-barrier-snapshotting paper (Carbone et al. 2015, fig. 7).
 * 4. `backpressure`: checkpoint time under backpressure (after flink-benchmarks'
 *    CheckpointingTimeBenchmark): aligned, unaligned and aligned with a timeout, debloating on/off.
 */
import { configId } from './config.ts';
import type { ParamName, SuiteParams } from './params.ts';
import { baseConfig, dedupe, inFlightTarget, type Step } from './plan.ts';

export type ExperimentName = 'alignment' | 'latency' | 'interval-sweep' | 'backpressure';
export const EXPERIMENT_NAMES: readonly ExperimentName[] = [
  'alignment',
  'latency',
  'interval-sweep',
  'backpressure',
];

export interface Experiment {
  readonly name: ExperimentName;
  readonly title: string;
  /** The question it answers, for the report. */
  readonly question: string;
  /** The parameters it uses, each with the reason for its value. */
  readonly reasons: Partial<Record<ParamName, string>>;
  readonly full: SuiteParams;
  readonly quick: SuiteParams;
  plan(params: SuiteParams): Step[];
}

/** Values shared by the experiments, with their reasons. */
const COMMON: SuiteParams = {
  modes: ['off', 'exactly-once', 'at-least-once'],
  intervalsMs: [1000],
  parallelisms: [2],
  inputChannels: [2],
  skews: ['none'],
  loads: [0.25, 0.5, 0.75],
  sinkDelaysMicros: [0],
  inFlightTargetsMs: [100],
  barrierKinds: ['aligned'],
  alignmentTimeoutMs: 10,
  baseIntervalMs: 1000,
  baseParallelism: 2,
  baseInputChannels: 2,
  keys: 10_000,
  payloadBytes: 100,
  hotKeyShare: 0.8,
  slowInputRate: 20_000,
  nodePeer: false,
  warmupMs: 1000,
  warmupCheckpoints: 3,
  windowMs: 4000,
  intervalsPerWindow: 3,
  repeats: 2,
  startTimeoutMs: 60_000,
};

const COMMON_REASONS: Partial<Record<ParamName, string>> = {
  modes:
    "'off' is the peer: the same job on the same input without checkpoints; both checkpointing modes against it",
  keys: '10 000 keys, each touched many times per interval: copy-on-write copies tables between snapshots',
  payloadBytes: '100 B per key: about 1.1 MB of keyed state in every snapshot, real bytes to encode and ship',
  baseParallelism:
    '2 keyed subtasks (plus 2 source subtasks): four worker threads on a 2-core machine, as many as it can run without the whole job time-slicing',
  baseInputChannels: 'two input channels per keyed subtask: the smallest number at which barriers must align',
  warmupMs:
    '1 s from the first record: JIT warm-up, rings filled, the keys seen (tens of thousands of records per key set); checkpoints before the window are not counted',
  warmupCheckpoints:
    'the window also waits for 3 completed checkpoints: the first snapshots run cold (interpreted encoder, first copy-on-write copies) and cost several times a warm one; a mode whose early checkpoints align more slowly (at-least-once keeps reading the channels that delivered their barrier) would otherwise carry them into its window',
  windowMs: '4 s: hundreds of thousands of records per window, 4 checkpoints at 1 s',
  intervalsPerWindow: 'a window holds at least 3 checkpoints whatever the interval',
  repeats: 'two repeats (order reversed in the second): a median and a spread within the 25-minute budget',
  startTimeoutMs: 'a generous guard against a hung start on a loaded machine; never a measurement',
};

/** The quick (CI smoke) version of a full parameter set: same plan shape, tiny windows. */
function quickOf(full: SuiteParams, change: Partial<SuiteParams>): SuiteParams {
  return {
    ...full,
    warmupMs: 300,
    warmupCheckpoints: 1,
    windowMs: 1000,
    intervalsPerWindow: 2,
    repeats: 1,
    ...change,
  };
}

const alignmentFull: SuiteParams = {
  ...COMMON,
  windowMs: 3000,
  intervalsMs: [50, 1000],
  parallelisms: [1, 2, 4],
  inputChannels: [1, 2, 4],
  skews: ['none', 'slow-input', 'hot-key'],
};

export const ALIGNMENT: Experiment = {
  name: 'alignment',
  title: 'Alignment overhead',
  question:
    'What does barrier alignment cost? Throughput at saturation and alignment time with checkpoints off, exactly-once (aligned) and at-least-once (no alignment), over interval, parallelism, input channels and input skew.',
  reasons: {
    ...COMMON_REASONS,
    intervalsMs:
      '50 ms (alignment as often as the coordinator sustains) and 1 s (a common production setting); the interval-sweep experiment covers 50 ms to 10 s finely',
    parallelisms:
      '1, 2, 4 keyed subtasks: 4 oversubscribes the 2 cores, which is where waiting for the slowest channel grows',
    inputChannels: '1 channel (nothing to align), 2 and 4 (more channels whose barriers must all arrive)',
    skews:
      "none; 'slow-input': one input channel capped at the slow rate, its barrier arrives first and waits behind the busy channels; 'hot-key': one keyed subtask gets ~90 % of the records",
    slowInputRate: '20 000 records/s: a few % of a busy channel, so the slow channel is nearly empty',
    hotKeyShare:
      '80 % of the records on one key (one of two keyed subtasks gets ~90 %): Flink’s data-skew case',
    baseIntervalMs: '1 s: the interval at which the parallelism, channel and skew dimensions are measured',
    windowMs:
      '3 s (3 checkpoints at 1 s, 60 at 50 ms): 46 trials within the time budget; throughput is counted exactly over the window',
  },
  full: alignmentFull,
  quick: quickOf(alignmentFull, {
    modes: ['off', 'exactly-once'],
    intervalsMs: [100],
    parallelisms: [2],
    inputChannels: [2],
    skews: ['none', 'slow-input'],
    baseIntervalMs: 100,
  }),
  plan(p) {
    const modes = p.modes;
    const steps: Step[] = [];
    const atBase = (group: string, change: Parameters<typeof baseConfig>[1]): void => {
      for (const mode of modes) steps.push({ group, config: baseConfig(p, { ...change, mode }) });
    };
    for (const mode of modes)
      for (const intervalMs of mode === 'off' ? [p.baseIntervalMs] : p.intervalsMs)
        steps.push({ group: 'interval', config: baseConfig(p, { mode, intervalMs }) });
    for (const parallelism of p.parallelisms) atBase('parallelism', { parallelism });
    for (const inputChannels of p.inputChannels) atBase('input-channels', { inputChannels });
    for (const skew of p.skews)
      atBase('skew', {
        skew,
        inputChannels: skew === 'slow-input' ? Math.max(2, p.baseInputChannels) : p.baseInputChannels,
      });
    return dedupe(steps);
  },
};

const latencyFull: SuiteParams = {
  ...COMMON,
  baseIntervalMs: 200,
  windowMs: 3000,
  sinkDelaysMicros: [0, 25],
  inFlightTargetsMs: [100, 0],
  nodePeer: true,
};

export const LATENCY: Experiment = {
  name: 'latency',
  title: 'Exactly-once vs at-least-once latency',
  question:
    'When does exactly-once cost latency? End-to-end latency distributions of both modes at the same offered loads (25/50/75 % of the lowest measured saturation), with a normal sink and with a slow sink that backpressures the job, next to checkpoints off and a single-threaded Node.js peer.',
  reasons: {
    ...COMMON_REASONS,
    windowMs: '3 s: 15 checkpoints at 200 ms per window, with 32 trials per repeat within the time budget',
    baseIntervalMs:
      '200 ms: a window holds 15 checkpoints, so the tail percentiles see many alignments; the sweep shows how the cost falls with the interval',
    loads:
      '25, 50 and 75 % of the lowest saturation of the modes compared: every mode below its saturation, so latency measures the pipeline, not an ever-growing queue; saturation itself is measured too (queueing only)',
    sinkDelaysMicros:
      '0 (a normal sink) and 25 µs of busy work per record (a slow sink at ~40 000 records/s per subtask): backpressure reaches the sources, barriers queue behind full rings',
    nodePeer:
      'a single-threaded Node.js stream.pipeline doing the same work on the same records at the same offered rates: the latency floor without threads, rings or checkpoints',
    inFlightTargetsMs:
      'debloating at its 100 ms default and off (0), compared with the slow sink only: with a normal sink below saturation the rings never fill, so the limit never binds',
  },
  full: latencyFull,
  quick: quickOf(latencyFull, {
    modes: ['exactly-once', 'at-least-once'],
    loads: [0.5],
    sinkDelaysMicros: [0],
  }),
  plan(p) {
    const steps: Step[] = [];
    for (const sinkDelayMicros of p.sinkDelaysMicros) {
      const group = sinkDelayMicros > 0 ? 'slow-sink' : 'load';
      const saturation = p.modes.map((mode) => baseConfig(p, { mode, sinkDelayMicros }));
      const saturationOf = saturation.map(configId);
      const targets = sinkDelayMicros > 0 ? p.inFlightTargetsMs : p.inFlightTargetsMs.slice(0, 1);
      const variants = (change: Parameters<typeof baseConfig>[1]) =>
        targets.map((t) => baseConfig(p, { ...change, ...inFlightTarget(t) }));
      for (const mode of p.modes)
        for (const config of variants({ mode, sinkDelayMicros })) steps.push({ group, config });
      if (p.nodePeer) steps.push({ group, config: baseConfig(p, { peer: 'node-stream', sinkDelayMicros }) });
      for (const load of p.loads) {
        for (const mode of p.modes)
          for (const config of variants({ mode, sinkDelayMicros, load }))
            steps.push({ group, config, saturationOf });
        if (p.nodePeer)
          steps.push({
            group,
            config: baseConfig(p, { peer: 'node-stream', sinkDelayMicros, load }),
            saturationOf,
          });
      }
    }
    return dedupe(steps);
  },
};

const backpressureFull: SuiteParams = {
  ...COMMON,
  modes: ['exactly-once'],
  baseIntervalMs: 500,
  sinkDelaysMicros: [50],
  inFlightTargetsMs: [100, 0],
  barrierKinds: ['aligned', 'unaligned', 'aligned-timeout'],
  windowMs: 3000,
  intervalsPerWindow: 4,
};

export const BACKPRESSURE: Experiment = {
  name: 'backpressure',
  title: 'Checkpoints under backpressure',
  question:
    'How long does a checkpoint take when a slow sink backpressures the job and the rings are full (flink-benchmarks’ CheckpointingTimeBenchmark)? Aligned, unaligned and aligned with an alignment timeout, with buffer debloating on and off: checkpoint duration, start delay, alignment, in-flight data persisted, and the latency the queued data costs.',
  reasons: {
    ...COMMON_REASONS,
    modes: 'exactly-once only: at-least-once barriers queue exactly as aligned ones do',
    baseIntervalMs: '500 ms: a checkpoint at most every half second, each one taken with the rings full',
    sinkDelaysMicros:
      '50 µs of busy work per record (~20 000 records/s per sink subtask, as the issue’s measurement): the sources run unlimited, so every ring fills',
    inFlightTargetsMs: 'debloating at its 100 ms default, and off (0): rings fill to their 512 KiB capacity',
    barrierKinds:
      'aligned; unaligned (snapshot at the first barrier, in-flight records captured); aligned with the alignment timeout, which turns a late alignment unaligned',
    alignmentTimeoutMs: '10 ms, flink-benchmarks’ value for the alignment-timeout variant',
    windowMs: '3 s and at least 4 intervals: 4 or more checkpoints per trial',
    intervalsPerWindow: 'a window holds at least 4 checkpoints',
  },
  full: backpressureFull,
  quick: quickOf(backpressureFull, { barrierKinds: ['aligned', 'unaligned'], inFlightTargetsMs: [100] }),
  plan(p) {
    const steps: Step[] = [];
    for (const sinkDelayMicros of p.sinkDelaysMicros)
      for (const t of p.inFlightTargetsMs)
        for (const barriers of p.barrierKinds)
          for (const mode of p.modes.filter((m) => m !== 'off'))
            steps.push({
              group: 'backpressure',
              config: baseConfig(p, { mode, sinkDelayMicros, barriers, ...inFlightTarget(t) }),
            });
    return dedupe(steps);
  },
};

const sweepFull: SuiteParams = {
  ...COMMON,
  intervalsMs: [50, 100, 200, 500, 1000, 2000, 5000, 10_000],
  keys: 100_000,
  intervalsPerWindow: 2,
};

export const INTERVAL_SWEEP: Experiment = {
  name: 'interval-sweep',
  title: 'Snapshot interval sweep',
  question:
    'How does the throughput overhead of snapshots fall with the interval (Carbone et al. 2015, fig. 7)? Throughput at saturation of both modes against the interval, relative to the same job without checkpoints, with each interval’s checkpoint duration and alignment.',
  reasons: {
    ...COMMON_REASONS,
    intervalsMs:
      '50 ms to 10 s in roughly ×2–×2.5 steps: from snapshots back to back (the coordinator’s practical minimum) to the rare snapshots at which the overhead vanishes',
    intervalsPerWindow:
      'two intervals per window (20 s at 10 s) keep the long intervals affordable; the first trigger comes one interval after the start, so such a window holds one or two checkpoints',
    payloadBytes: '100 B per key: with 100 000 keys about 11 MB in every snapshot',
    keys: '100 000 keys × 100 B, about 11 MB of state: a snapshot costs more than its barrier, as in the paper’s stateful jobs',
  },
  full: sweepFull,
  quick: quickOf(sweepFull, { intervalsMs: [100], keys: 10_000 }),
  plan(p) {
    const steps: Step[] = [];
    for (const mode of p.modes)
      for (const intervalMs of mode === 'off' ? [p.baseIntervalMs] : p.intervalsMs)
        steps.push({ group: 'interval', config: baseConfig(p, { mode, intervalMs }) });
    return dedupe(steps);
  },
};

export const EXPERIMENTS: Readonly<Record<ExperimentName, Experiment>> = {
  alignment: ALIGNMENT,
  latency: LATENCY,
  'interval-sweep': INTERVAL_SWEEP,
  backpressure: BACKPRESSURE,
};
