/**
 * The whole-process benchmark's trials: for every input shape (source kind × record count), the
 * baselines (plain loop, single-thread `stream.pipeline`), the piscina peer and weir in batch mode,
 * streaming mode and streaming with exactly-once checkpoints every second, each streaming variant
 * also with local aggregation before the keyed exchange (`-la`); the start-up trials (a 10-record
 * weir job from each in-job input kind against `node` on an empty script).
 */
import type { InputKind, TrialSpec } from './trial-spec.ts';

/** Which entry script a trial runs. */
export type EntryName = 'loop' | 'node-stream' | 'piscina' | 'weir' | 'weir-cli' | 'empty';

/** One kind of trial, run once per round. */
export interface Trial {
  readonly label: string;
  /** The shape it belongs to; ratios are taken against the shape's `node-stream` trial. */
  readonly shape: string;
  readonly entry: EntryName;
  readonly spec: TrialSpec;
}

/** Parameters of a run (see params in whole-process.ts for the reasons). */
export interface WholeProcessParams {
  readonly inputs: readonly InputKind[];
  readonly records: readonly number[];
  readonly rounds: number;
  readonly parallelism: number;
  readonly checkpointMs: number;
  /** The streaming variants' local aggregation (the `-la` variants). */
  readonly localAggregationMs: number;
  readonly startup: boolean;
  /**
   * Also run every weir trial with `threadSharing: false` (label suffix `-unshared`), in the same
   * rounds: the paired comparison behind the option's default.
   */
  readonly unshared?: boolean;
  /** Only the trials whose label is listed (all when undefined). */
  readonly only?: readonly string[];
}

/** The start-up trials' job: 10 records (the input kind is set per trial). */
const STARTUP_SPEC = { input: 'iterable', records: 10, path: '' } as const;

export function planTrials(params: WholeProcessParams, path: (records: number) => string): Trial[] {
  const trials: Trial[] = [];
  const p = params.parallelism;
  for (const records of params.records) {
    for (const input of params.inputs) {
      const shape = `${input} ${records}`;
      const base = { input, records, path: input === 'file' ? path(records) : '' } as const;
      const add = (label: string, entry: EntryName, extra: Partial<TrialSpec> = {}): void => {
        if (params.only && entry !== 'node-stream' && !params.only.includes(label)) return;
        trials.push({ label, shape, entry, spec: { ...base, ...extra } });
        if (params.unshared && entry === 'weir')
          trials.push({
            label: `${label}-unshared`,
            shape,
            entry,
            spec: { ...base, ...extra, threadSharing: false },
          });
      };
      add('node-stream', 'node-stream');
      add('loop', 'loop');
      add('piscina', 'piscina', { parallelism: p });
      add(`weir-batch-p${p}`, 'weir', { mode: 'batch', parallelism: p });
      add(`weir-streaming-p${p}`, 'weir', { mode: 'streaming', parallelism: p });
      add(`weir-streaming-eo-p${p}`, 'weir', {
        mode: 'streaming',
        parallelism: p,
        checkpointMs: params.checkpointMs,
      });
      const la = params.localAggregationMs;
      add(`weir-streaming-la-p${p}`, 'weir', { mode: 'streaming', parallelism: p, localAggregationMs: la });
      add(`weir-streaming-eo-la-p${p}`, 'weir', {
        mode: 'streaming',
        parallelism: p,
        checkpointMs: params.checkpointMs,
        localAggregationMs: la,
      });
    }
  }
  if (params.startup) {
    trials.push({ label: 'node empty script', shape: 'start-up', entry: 'empty', spec: STARTUP_SPEC });
    // The 10-record job from each in-job source listed: an iterable is a non-parallel source, which
    // gets a thread of its own beside the p shared ones (slot-sharing.ts); a sequence runs in p.
    for (const input of params.inputs.filter((kind) => kind !== 'file')) {
      const spec = { ...STARTUP_SPEC, input, mode: 'streaming', parallelism: p } as const;
      trials.push({ label: `weir 10 records p${p} ${input}`, shape: 'start-up', entry: 'weir', spec });
      if (params.unshared)
        trials.push({
          label: `weir 10 records p${p} ${input} unshared`,
          shape: 'start-up',
          entry: 'weir',
          spec: { ...spec, threadSharing: false },
        });
      trials.push({
        label: `weir run, 10 records p${p} ${input}`,
        shape: 'start-up',
        entry: 'weir-cli',
        spec,
      });
    }
  }
  return trials;
}
