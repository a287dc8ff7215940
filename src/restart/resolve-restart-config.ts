/**
 * From a job's restart options to the configuration its strategy is built from: the job's own
 * options, else the engine's (environment, config file), else the default rule. Called once, when
 * the job is submitted, so that configuration errors surface before anything runs.
 */
import {
  defaultRestartConfig,
  type RestartConfig,
  type RestartOptions,
  restartSettingsFromOptions,
  validateRestartSettings,
} from './config.ts';
import { type EngineConfigSource, readEngineRestartSettings } from './engine-config.ts';

/** What besides the job's options decides its restart configuration. */
export interface RestartResolutionContext {
  /** Whether the job checkpoints periodically (`checkpointing.intervalMs` set); picks the default. */
  readonly checkpointingEnabled: boolean;
  /** Where the engine configuration is read from; default: this process's environment and cwd. */
  readonly engine?: EngineConfigSource;
}

/**
 * Validates `options` (absent or `fallback`: the engine's configuration, else the default rule)
 * into a {@link RestartConfig}; throws `InvalidOptionError` (`ERR_INVALID_OPTION`) naming the
 * offending option, variable or file entry.
 */
export function resolveRestartConfig(
  options: RestartOptions | undefined,
  context: RestartResolutionContext,
): RestartConfig {
  const settings = restartSettingsFromOptions(options) ?? readEngineRestartSettings(context.engine);
  return settings === null
    ? defaultRestartConfig(context.checkpointingEnabled)
    : validateRestartSettings(settings);
}
