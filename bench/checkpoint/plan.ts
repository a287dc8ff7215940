/**
 * The configurations a run measures: the main matrix (every input shape × every checkpoint
 * setting, at the main state size) and the state sweep (balanced input, checkpoints off and one
 * setting, at larger states). Each configuration knows its baseline: the same shape and state
 * with checkpoints off.
 */
import type { CheckpointBenchParams, CheckpointSetting, InputShape, StateSize } from './params.ts';

/** One job configuration, measured once per round. */
export interface Config {
  /** Unique, e.g. `balanced/1 MB/exactly-once/1000`. */
  readonly id: string;
  readonly group: 'matrix' | 'state-sweep';
  readonly shape: InputShape;
  readonly state: StateSize;
  readonly setting: CheckpointSetting;
  /** Id of the configuration with the same shape and state and checkpoints off. */
  readonly baselineId: string;
  readonly windowMs: number;
}

export function settingLabel(setting: CheckpointSetting): string {
  if (setting.intervalMs === null) return 'off';
  const interval = setting.intervalMs >= 1000 ? `${setting.intervalMs / 1000} s` : `${setting.intervalMs} ms`;
  return `${setting.mode} ${interval}${setting.incremental ? ' incr.' : ''}`;
}

function configOf(
  params: CheckpointBenchParams,
  group: Config['group'],
  shape: InputShape,
  state: StateSize,
  setting: CheckpointSetting,
): Config {
  const base = `${shape.name}/${state.name}`;
  const windowMs = Math.max(params.minWindowMs, params.intervalsPerWindow * (setting.intervalMs ?? 0));
  return {
    id: `${base}/${setting.mode}/${setting.intervalMs ?? '-'}${setting.incremental ? '/incremental' : ''}`,
    group,
    shape,
    state,
    setting,
    baselineId: `${base}/off/-`,
    windowMs,
  };
}

/** Every configuration of a run, matrix first. */
export function planConfigs(params: CheckpointBenchParams): Config[] {
  const configs: Config[] = [];
  for (const shape of params.shapes)
    for (const setting of params.settings)
      configs.push(configOf(params, 'matrix', shape, params.state, setting));
  const balanced = params.shapes.find((s) => s.name === 'balanced') ?? params.shapes[0];
  if (balanced) {
    for (const state of params.stateSweep) {
      for (const setting of [{ mode: 'off', intervalMs: null } as const, ...params.stateSweepSettings])
        configs.push(configOf(params, 'state-sweep', balanced, state, setting));
    }
  }
  return configs;
}
