/** Restart strategies and their configuration: re-exports only. */
export { classifyFailure, isRestartable } from './classification.ts';
export type {
  ExponentialDelayOptions,
  FailureRateOptions,
  FallbackRestartOptions,
  FixedDelayOptions,
  NoRestartOptions,
  RestartConfig,
  RestartOptions,
} from './config.ts';
export { createRestartStrategy } from './create-restart-strategy.ts';
export { decideRestart, type RestartDecision } from './decide-restart.ts';
export {
  CONFIG_FILE_ENV,
  CONFIG_FILE_NAME,
  type EngineConfigSource,
  RESTART_STRATEGY_ENV,
  restartEnvVar,
} from './engine-config.ts';
export { RestartsExhaustedError } from './errors.ts';
export {
  EXPONENTIAL_DELAY_DEFAULTS,
  type ExponentialDelayParams,
  ExponentialDelayRestartStrategy,
} from './exponential-delay.ts';
export { FAILURE_RATE_DEFAULTS, type FailureRateParams, FailureRateRestartStrategy } from './failure-rate.ts';
export { FIXED_DELAY_DEFAULTS, type FixedDelayParams, FixedDelayRestartStrategy } from './fixed-delay.ts';
export { NoRestartStrategy } from './no-restart.ts';
export { type RestartResolutionContext, resolveRestartConfig } from './resolve-restart-config.ts';
export type { RestartStrategy, RestartStrategyName } from './strategy.ts';
