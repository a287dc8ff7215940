/**
 * A job's configuration as it runs (Flink's `/jobs/<id>/config`): the environment options after
 * defaults and validation, and the checkpointing and restart configurations resolved from them
 * (the engine's fallback restart configuration included). Plain data, for displays and the REST API.
 */
import type { CheckpointConfig } from '../checkpoint/config.ts';
import type { RestartConfig } from '../restart/config.ts';
import type { ResolvedEnvironmentOptions } from './options.ts';

/** What a running job was configured with, every default filled in. */
export interface JobConfiguration {
  /** The environment options, resolved (`checkpointing` and `restart` as given; see below). */
  readonly environment: ResolvedEnvironmentOptions;
  /** Checkpointing as the coordinator runs it. */
  readonly checkpointing: CheckpointConfig;
  /** The restart strategy and its parameters. */
  readonly restart: RestartConfig;
}
