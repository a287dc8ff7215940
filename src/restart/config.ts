/**
 * Restart options as a user writes them, their validated form, and the validation itself. One
 * table ({@link RESTART_PARAMETERS}) lists each strategy's parameters with their checks; the same
 * validation serves a job's options, environment variables and the config file, and every error
 * names the option (or variable, or file entry) it is about:
 * `restart.delayMs must be a non-negative number, got -1`.
 *
 * The default rule, when neither the job nor the engine configuration names a strategy, is Flink's:
 * `none` without periodic checkpointing (a restart would replay the sources with empty state),
 * `exponential-delay` with it.
 */
import { InvalidOptionError } from '../errors.ts';
import { EXPONENTIAL_DELAY_DEFAULTS, type ExponentialDelayParams } from './exponential-delay.ts';
import { FAILURE_RATE_DEFAULTS, type FailureRateParams } from './failure-rate.ts';
import { FIXED_DELAY_DEFAULTS, type FixedDelayParams } from './fixed-delay.ts';
import type { RestartStrategyName } from './strategy.ts';

/** Never restart. */
export interface NoRestartOptions {
  readonly strategy: 'none';
}
/** Restart at most `attempts` times (default 1), `delayMs` apart (default 1000). */
export interface FixedDelayOptions extends Partial<FixedDelayParams> {
  readonly strategy: 'fixed-delay';
}
/** Restart unless more than `maxFailuresPerInterval` (default 1) failures fall within `failureRateIntervalMs` (default 60 000). */
export interface FailureRateOptions extends Partial<FailureRateParams> {
  readonly strategy: 'failure-rate';
}
/** Restart with exponential back-off; see `ExponentialDelayRestartStrategy` for the defaults. */
export interface ExponentialDelayOptions extends Partial<ExponentialDelayParams> {
  readonly strategy: 'exponential-delay';
}
/** Use the engine's configuration (environment, then `weir.config.json`), else the default rule. */
export interface FallbackRestartOptions {
  readonly strategy: 'fallback';
}

/** A job's restart options. Leaving them out is the same as `{ strategy: 'fallback' }`. */
export type RestartOptions =
  | NoRestartOptions
  | FixedDelayOptions
  | FailureRateOptions
  | ExponentialDelayOptions
  | FallbackRestartOptions;

/** Validated restart configuration: a strategy with every parameter filled in. */
export type RestartConfig =
  | { readonly strategy: 'none' }
  | ({ readonly strategy: 'fixed-delay' } & FixedDelayParams)
  | ({ readonly strategy: 'failure-rate' } & FailureRateParams)
  | ({ readonly strategy: 'exponential-delay' } & ExponentialDelayParams);

/** A raw value and the name to report it under (`restart.delayMs`, `WEIR_RESTART_DELAY_MS`, ...). */
export interface Labelled {
  readonly value: unknown;
  readonly label: string;
}

/** Restart settings from one source, not validated yet. */
export interface RawRestartSettings {
  readonly strategy: Labelled;
  /** Parameter name (`delayMs`, ...) to its value. */
  readonly params: ReadonlyMap<string, Labelled>;
}

interface Check {
  readonly expected: string;
  readonly test: (value: number) => boolean;
}

const nonNegative: Check = { expected: 'a non-negative number', test: (v) => Number.isFinite(v) && v >= 0 };
const positive: Check = { expected: 'a positive number', test: (v) => Number.isFinite(v) && v > 0 };
const atLeastOneMs: Check = { expected: 'a number ≥ 1', test: (v) => Number.isFinite(v) && v >= 1 };
const positiveInteger: Check = {
  expected: 'a positive integer',
  test: (v) => Number.isSafeInteger(v) && v > 0,
};
const attemptsFrom = (min: number): Check => ({
  expected: `an integer ≥ ${min} or Infinity`,
  test: (v) => v === Number.POSITIVE_INFINITY || (Number.isSafeInteger(v) && v >= min),
});
const multiplier: Check = { expected: 'a number > 1', test: (v) => Number.isFinite(v) && v > 1 };
const fraction: Check = { expected: 'a number between 0 and 1', test: (v) => v >= 0 && v <= 1 };

/** Every strategy's parameters and their checks (Flink's bounds). */
export const RESTART_PARAMETERS: {
  readonly [S in RestartStrategyName]: { readonly [param: string]: Check };
} = {
  none: {},
  'fixed-delay': { attempts: attemptsFrom(0), delayMs: nonNegative },
  'failure-rate': {
    maxFailuresPerInterval: positiveInteger,
    failureRateIntervalMs: positive,
    delayMs: nonNegative,
  },
  'exponential-delay': {
    initialBackoffMs: atLeastOneMs,
    maxBackoffMs: atLeastOneMs,
    backoffMultiplier: multiplier,
    resetBackoffThresholdMs: atLeastOneMs,
    jitterFactor: fraction,
    attempts: attemptsFrom(1),
  },
};

const DEFAULTS: { readonly [S in RestartStrategyName]: object } = {
  none: {},
  'fixed-delay': FIXED_DELAY_DEFAULTS,
  'failure-rate': FAILURE_RATE_DEFAULTS,
  'exponential-delay': EXPONENTIAL_DELAY_DEFAULTS,
};

const STRATEGY_NAMES = Object.keys(RESTART_PARAMETERS) as RestartStrategyName[];
const quoted = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

/** Validates settings from any source into a {@link RestartConfig}; throws `InvalidOptionError` naming the culprit. */
export function validateRestartSettings(raw: RawRestartSettings): RestartConfig {
  const name = raw.strategy.value;
  if (!STRATEGY_NAMES.includes(name as RestartStrategyName)) {
    throw new InvalidOptionError(raw.strategy.label, `one of ${quoted(STRATEGY_NAMES)}`, name);
  }
  const strategy = name as RestartStrategyName;
  const checks = RESTART_PARAMETERS[strategy];
  const config: Record<string, unknown> = { strategy, ...DEFAULTS[strategy] };
  for (const [param, { value, label }] of raw.params) {
    const check = checks[param];
    if (check === undefined) {
      const known = Object.keys(checks);
      const has = known.length === 0 ? 'it takes none' : `its parameters are ${known.join(', ')}`;
      throw new InvalidOptionError(label, `absent for restart strategy '${strategy}' (${has})`, value);
    }
    if (typeof value !== 'number' || !check.test(value))
      throw new InvalidOptionError(label, check.expected, value);
    config[param] = value;
  }
  if (strategy === 'exponential-delay') {
    const initialBackoffMs = config['initialBackoffMs'] as number;
    const maxBackoffMs = config['maxBackoffMs'] as number;
    if (initialBackoffMs > maxBackoffMs) {
      const initial = raw.params.get('initialBackoffMs');
      throw initial !== undefined
        ? new InvalidOptionError(initial.label, `at most maxBackoffMs (${maxBackoffMs})`, initialBackoffMs)
        : new InvalidOptionError(
            raw.params.get('maxBackoffMs')!.label,
            `at least initialBackoffMs (${initialBackoffMs})`,
            maxBackoffMs,
          );
    }
  }
  return Object.freeze(config) as RestartConfig;
}

/**
 * The raw settings of a job's options (labels `restart`, `restart.strategy`, `restart.<param>`), or
 * null for `fallback` (and for no options at all).
 */
export function restartSettingsFromOptions(options: RestartOptions | undefined): RawRestartSettings | null {
  if (options === undefined) return null;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError('restart', "an object such as { strategy: 'fixed-delay' }", options);
  }
  const params = new Map<string, Labelled>();
  for (const [key, value] of Object.entries(options)) {
    if (key !== 'strategy') params.set(key, { value, label: `restart.${key}` });
  }
  const strategy = { value: options.strategy, label: 'restart.strategy' };
  if (options.strategy !== 'fallback') {
    if (!STRATEGY_NAMES.includes(options.strategy)) {
      throw new InvalidOptionError(
        strategy.label,
        `one of ${quoted([...STRATEGY_NAMES, 'fallback'])}`,
        strategy.value,
      );
    }
    return { strategy, params };
  }
  const [first] = params.values();
  if (first !== undefined) {
    throw new InvalidOptionError(
      first.label,
      "absent for restart strategy 'fallback' (it takes none)",
      first.value,
    );
  }
  return null;
}

/** Flink's default: `exponential-delay` (its defaults) with periodic checkpointing, `none` without. */
export function defaultRestartConfig(checkpointingEnabled: boolean): RestartConfig {
  return checkpointingEnabled
    ? Object.freeze({ strategy: 'exponential-delay', ...EXPONENTIAL_DELAY_DEFAULTS })
    : Object.freeze({ strategy: 'none' });
}
