/**
 * The two-input job's arguments for an input shape and a state size: one place, used by the matrix
 * (trial.ts) and the paired segments (segments.ts), so that both run exactly the same job.
 */
import { createProbeMemory } from '../jobs-support/probe.ts';
import type { InputShape, StateSize } from './params.ts';
import type { TwoInputJobArgs } from './two-input.job.ts';

/** Arguments with fresh probe memory for `keyedParallelism` keyed subtasks. */
export function twoInputArgs(shape: InputShape, state: StateSize, keyedParallelism: number): TwoInputJobArgs {
  return {
    keys: state.keys,
    hotKeyShare: shape.hotKeyShare,
    payloadBytes: state.payloadBytes,
    rightRatePerSecond: shape.rightRatePerSecond,
    keyedParallelism,
    probe: createProbeMemory(keyedParallelism),
  };
}
