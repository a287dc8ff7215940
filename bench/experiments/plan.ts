/**
 * What an experiment runs: a list of steps, each one configuration of the job. A step at a fixed
 * offered load names the saturation steps its rate derives from: the runner measures those first,
 * in the same repeat, and offers `load × the lowest saturation among them` (the same offered rate
 * for every mode compared, below every mode's saturation).
 */
import { DEFAULT_IN_FLIGHT_TARGET_MS } from '../../src/config/options.ts';
import { configId, type Mode, type Peer, type Skew, type TrialConfig } from './config.ts';
import type { SuiteParams } from './params.ts';

export interface Step {
  /** The part of the experiment (`interval`, `parallelism`, `input-channels`, `skew`, `load`, ...). */
  readonly group: string;
  /** With `offeredRate` null; for a load step it is filled in from the saturation steps. */
  readonly config: TrialConfig;
  /** Ids of the saturation steps that set a load step's offered rate. */
  readonly saturationOf?: readonly string[];
}

/** The configuration at the base point of `p`, changed by `change`. */
export function baseConfig(p: SuiteParams, change: Partial<TrialConfig> = {}): TrialConfig {
  const mode: Mode = change.mode ?? 'off';
  const config: TrialConfig = {
    peer: 'weir' as Peer,
    mode,
    intervalMs: p.baseIntervalMs,
    parallelism: p.baseParallelism,
    inputChannels: p.baseInputChannels,
    skew: 'none' as Skew,
    sinkDelayMicros: 0,
    load: null,
    offeredRate: null,
    ...change,
  };
  return config.mode === 'off' ? { ...config, intervalMs: null } : config;
}

/** Keeps the first step of every configuration (groups overlap at the base point). */
export function dedupe(steps: readonly Step[]): Step[] {
  const seen = new Set<string>();
  return steps.filter((s) => {
    const id = configId(s.config);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The configuration change of a debloating target: 0 turns debloating off; the engine's default
 * (100 ms) is left unset, so that configurations at the default keep the ids they always had.
 */
export function inFlightTarget(targetMs: number): Partial<TrialConfig> {
  if (targetMs === 0) return { inFlightTargetMs: false };
  return targetMs === DEFAULT_IN_FLIGHT_TARGET_MS ? {} : { inFlightTargetMs: targetMs };
}
