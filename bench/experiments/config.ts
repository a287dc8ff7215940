/**
 * One configuration of the experiment job as a trial runs it, its stable id, and how it maps onto
 * the job's arguments (inputs, skew). Every experiment is a list of these.
 */
import { randomBytes } from 'node:crypto';
import { createProbeMemory } from '../jobs-support/probe.ts';
import type { ExperimentJobArgs, InputSpec } from './job-args.ts';

/** Checkpointing of a trial. */
export type Mode = 'off' | 'exactly-once' | 'at-least-once';
export const MODES: readonly Mode[] = ['off', 'exactly-once', 'at-least-once'];

/**
 * Input skew: `none` (one source, keys uniform), `slow-input` (one input channel capped at a low
 * rate while the others run free: its barriers arrive early and wait for the busy channels'),
 * `hot-key` (80 % of the records on one key: one keyed subtask is the bottleneck).
 */
export type Skew = 'none' | 'slow-input' | 'hot-key';
export const SKEWS: readonly Skew[] = ['none', 'slow-input', 'hot-key'];

/**
 * How an exactly-once checkpoint treats its barriers: `aligned` (the default), `unaligned` from the
 * start, or `aligned-timeout` (aligned, turning unaligned after the run's alignment timeout).
 */
export type BarrierKind = 'aligned' | 'unaligned' | 'aligned-timeout';
export const BARRIER_KINDS: readonly BarrierKind[] = ['aligned', 'unaligned', 'aligned-timeout'];

/** What runs: weir's job, or the single-threaded Node.js peer of the same work. */
export type Peer = 'weir' | 'node-stream';

export interface TrialConfig {
  readonly peer: Peer;
  readonly mode: Mode;
  /** Checkpoint interval, ms; null with checkpoints off. */
  readonly intervalMs: number | null;
  /** Keyed (and sink) parallelism. */
  readonly parallelism: number;
  /** Source subtasks: input channels of every keyed subtask. */
  readonly inputChannels: number;
  readonly skew: Skew;
  /** Busy work per record in the sink, µs. */
  readonly sinkDelayMicros: number;
  /** Offered load as a share of the measured saturation; null: saturation (sources unlimited). */
  readonly load: number | null;
  /** Records/s offered over all inputs; null at saturation. */
  readonly offeredRate: number | null;
  /** Buffer debloating target, ms, or false (off); absent: the engine's default. */
  readonly inFlightTargetMs?: number | false;
  /** Exactly-once barriers; absent: aligned. */
  readonly barriers?: BarrierKind;
}

/** Fixed knobs of the job every trial of a run shares. */
export interface JobShape {
  readonly keys: number;
  readonly payloadBytes: number;
  readonly hotKeyShare: number;
  /** Rate of the slow input under `slow-input` skew, records/s. */
  readonly slowInputRate: number;
}

/** A stable, readable id: equal configurations have equal ids across repeats and runs. */
export function configId(c: TrialConfig): string {
  const parts = [
    c.peer === 'weir' ? undefined : c.peer,
    c.mode === 'off' ? 'off' : `${c.mode}@${c.intervalMs}ms`,
    `p${c.parallelism}`,
    `in${c.inputChannels}`,
    c.skew === 'none' ? undefined : c.skew,
    c.sinkDelayMicros > 0 ? `sink${c.sinkDelayMicros}us` : undefined,
    c.barriers === undefined || c.barriers === 'aligned' ? undefined : c.barriers,
    c.inFlightTargetMs === undefined
      ? undefined
      : c.inFlightTargetMs === false
        ? 'no-debloat'
        : `debloat${c.inFlightTargetMs}ms`,
    c.load === null ? 'saturation' : `load${Math.round(c.load * 100)}%`,
  ];
  return parts.filter((p) => p !== undefined).join(' ');
}

/** The job's inputs for a configuration. */
export function inputsFor(c: TrialConfig, shape: JobShape): InputSpec[] {
  if (c.skew !== 'slow-input') return [{ parallelism: c.inputChannels, ratePerSecond: c.offeredRate }];
  if (c.inputChannels < 2) throw new RangeError('slow-input skew needs at least 2 input channels');
  return [
    { parallelism: c.inputChannels - 1, ratePerSecond: c.offeredRate },
    { parallelism: 1, ratePerSecond: shape.slowInputRate },
  ];
}

/** The job's arguments, with fresh probe memory and a fresh channel name. */
export function jobArgsFor(c: TrialConfig, shape: JobShape): ExperimentJobArgs {
  return {
    inputs: inputsFor(c, shape),
    keyedParallelism: c.parallelism,
    keys: shape.keys,
    hotKeyShare: c.skew === 'hot-key' ? shape.hotKeyShare : 0,
    payloadBytes: shape.payloadBytes,
    sinkDelayMicros: c.sinkDelayMicros,
    channel: `weir-experiment-${randomBytes(6).toString('hex')}`,
    probe: createProbeMemory(c.parallelism),
  };
}
