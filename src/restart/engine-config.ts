/**
 * The engine's restart configuration, used when a job asks for `{ strategy: 'fallback' }` or says
 * nothing: environment variables over a JSON config file, read once when the job is submitted.
 *
 * - Environment: `WEIR_RESTART_STRATEGY` names the strategy; each parameter has a variable named
 *   after it (`attempts` → `WEIR_RESTART_ATTEMPTS`, `delayMs` → `WEIR_RESTART_DELAY_MS`, ...).
 *   An unknown `WEIR_RESTART_*` variable is an error, since a typo would otherwise silently keep a
 *   default.
 * - File: the `restart` object of `weir.config.json` in the working directory, or of the file
 *   named by `WEIR_CONFIG` (which must then exist). Other top-level keys belong to other subsystems
 *   and are left alone.
 * - Merging: a variable overrides the file's parameter of the same name. If
 *   `WEIR_RESTART_STRATEGY` names a different strategy than the file, the file's parameters are
 *   ignored, because they belong to that other strategy.
 *
 * Errors name the variable (`WEIR_RESTART_DELAY_MS must be a non-negative number, got "-1"`) or the
 * file entry (`restart.delayMs in /srv/weir.config.json must be ...`).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidOptionError } from '../errors.ts';
import { type Labelled, type RawRestartSettings, RESTART_PARAMETERS } from './config.ts';

/** Where the engine configuration comes from; every field defaults to the process's own. */
export interface EngineConfigSource {
  /** Environment variables; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory searched for {@link CONFIG_FILE_NAME}; default `process.cwd()`. */
  readonly cwd?: string;
  /** Reads a UTF-8 file, `undefined` if it does not exist; default `fs.readFileSync`. */
  readonly readFile?: (path: string) => string | undefined;
}

/** The config file looked for in the working directory. */
export const CONFIG_FILE_NAME = 'weir.config.json';
/** Variable naming another config file. */
export const CONFIG_FILE_ENV = 'WEIR_CONFIG';
/** Variable naming the restart strategy. */
export const RESTART_STRATEGY_ENV = 'WEIR_RESTART_STRATEGY';

const ENV_PREFIX = 'WEIR_RESTART_';

/** The environment variable of a restart parameter: `delayMs` → `WEIR_RESTART_DELAY_MS`. */
export function restartEnvVar(param: string): string {
  return ENV_PREFIX + param.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** Every parameter of every strategy, by environment variable. */
const PARAM_BY_ENV = new Map<string, string>(
  Object.values(RESTART_PARAMETERS)
    .flatMap((checks) => Object.keys(checks))
    .map((param) => [restartEnvVar(param), param]),
);

/** The engine's restart settings, or null when neither the environment nor the file names any. */
export function readEngineRestartSettings(source: EngineConfigSource = {}): RawRestartSettings | null {
  const env = source.env ?? process.env;
  const file = readFileLayer(env, source);
  const fromEnv = readEnvLayer(env);
  const strategy = fromEnv.strategy ?? file?.strategy;
  if (strategy === undefined) {
    const [stray] = fromEnv.params.values();
    if (stray === undefined) return null;
    throw new InvalidOptionError(
      stray.label,
      `unset unless ${RESTART_STRATEGY_ENV} or restart.strategy in ${CONFIG_FILE_NAME} names a strategy`,
      stray.value,
    );
  }
  const sameStrategy = file !== null && file.strategy.value === strategy.value;
  const params = new Map(sameStrategy ? file.params : []);
  for (const [param, value] of fromEnv.params) params.set(param, value);
  return { strategy, params };
}

function readEnvLayer(env: Readonly<Record<string, string | undefined>>): {
  strategy: Labelled | undefined;
  params: Map<string, Labelled>;
} {
  let strategy: Labelled | undefined;
  const params = new Map<string, Labelled>();
  for (const [name, raw] of Object.entries(env)) {
    if (raw === undefined || !name.startsWith(ENV_PREFIX)) continue;
    if (name === RESTART_STRATEGY_ENV) {
      strategy = { value: raw.trim(), label: name };
      continue;
    }
    const param = PARAM_BY_ENV.get(name);
    if (param === undefined) {
      const known = [RESTART_STRATEGY_ENV, ...PARAM_BY_ENV.keys()].join(', ');
      throw new InvalidOptionError(name, `unset: it is not a weir variable (known: ${known})`, raw);
    }
    params.set(param, { value: parseNumber(raw), label: name });
  }
  return { strategy, params };
}

/** A number if `raw` is one (`Infinity` included), else `raw` itself, so errors show what was set. */
function parseNumber(raw: string): number | string {
  const trimmed = raw.trim();
  const n = Number(trimmed);
  return trimmed === '' || Number.isNaN(n) ? raw : n;
}

function readFileLayer(
  env: Readonly<Record<string, string | undefined>>,
  source: EngineConfigSource,
): RawRestartSettings | null {
  const named = env[CONFIG_FILE_ENV];
  const path = named === undefined ? join(source.cwd ?? process.cwd(), CONFIG_FILE_NAME) : resolve(named);
  const text = (source.readFile ?? readIfExists)(path);
  if (text === undefined) {
    if (named === undefined) return null;
    throw new InvalidOptionError(CONFIG_FILE_ENV, 'the path of an existing JSON file', named);
  }
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new InvalidOptionError(path, 'valid JSON', e instanceof Error ? e.message : e);
  }
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new InvalidOptionError(path, 'a JSON object', root);
  }
  const restart = (root as Record<string, unknown>)['restart'];
  if (restart === undefined) return null;
  if (typeof restart !== 'object' || restart === null || Array.isArray(restart)) {
    throw new InvalidOptionError(
      `restart in ${path}`,
      'an object such as { "strategy": "fixed-delay" }',
      restart,
    );
  }
  const params = new Map<string, Labelled>();
  let strategy: Labelled = { value: undefined, label: `restart.strategy in ${path}` };
  for (const [key, value] of Object.entries(restart)) {
    const entry = { value, label: `restart.${key} in ${path}` };
    if (key === 'strategy') strategy = entry;
    else params.set(key, entry);
  }
  return { strategy, params };
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
