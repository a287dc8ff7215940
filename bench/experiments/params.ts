/**
 * The parameters of the experiment suite: one shape shared by the three experiments (each uses the
 * keys it declares), the reason attached to each value, and their reading from flags or a JSON file
 * with validation that names the offending parameter.
 */
import { readFileSync } from 'node:fs';
import { InvalidOptionError } from '../../src/index.ts';
import type { BenchArgs } from '../support/args.ts';
import { BARRIER_KINDS, type BarrierKind, MODES, type Mode, SKEWS, type Skew } from './config.ts';

export interface SuiteParams {
  /** Checkpointing modes compared ('off' is the peer without checkpoints). */
  readonly modes: readonly Mode[];
  /** Checkpoint intervals swept, ms. */
  readonly intervalsMs: readonly number[];
  /** Keyed parallelisms swept. */
  readonly parallelisms: readonly number[];
  /** Input channels per keyed subtask (source subtasks) swept. */
  readonly inputChannels: readonly number[];
  /** Input skews compared. */
  readonly skews: readonly Skew[];
  /** Offered loads as shares of the measured saturation. */
  readonly loads: readonly number[];
  /** Sink busy work per record, µs (0: a normal sink; more: a slow sink that backpressures). */
  readonly sinkDelaysMicros: readonly number[];
  /** Buffer debloating targets compared, ms; 0: debloating off. */
  readonly inFlightTargetsMs: readonly number[];
  /** Exactly-once barrier handling compared (aligned, unaligned, aligned with a timeout). */
  readonly barrierKinds: readonly BarrierKind[];
  /** The alignment timeout of `aligned-timeout`, ms. */
  readonly alignmentTimeoutMs: number;
  /** Interval, parallelism and input channels where the other dimensions are held. */
  readonly baseIntervalMs: number;
  readonly baseParallelism: number;
  readonly baseInputChannels: number;
  /** Keys and payload bytes per key: the keyed state is about keys × (payload + 20) bytes. */
  readonly keys: number;
  readonly payloadBytes: number;
  /** Share of the records on the hot key under `hot-key` skew. */
  readonly hotKeyShare: number;
  /** Rate of the slow input under `slow-input` skew, records/s. */
  readonly slowInputRate: number;
  /** Run the single-threaded Node.js peer at the same offered loads. */
  readonly nodePeer: boolean;
  /** From the first record to the start of the measurement window, ms. */
  readonly warmupMs: number;
  /** With checkpoints, the window also waits until this many checkpoints have completed. */
  readonly warmupCheckpoints: number;
  /** Shortest measurement window, ms. */
  readonly windowMs: number;
  /** A window also spans at least this many checkpoint intervals. */
  readonly intervalsPerWindow: number;
  /** Repeats of every configuration (medians and spread over them). */
  readonly repeats: number;
  /** A job without its first record (or a sink that does not answer) by then fails the run, ms. */
  readonly startTimeoutMs: number;
}

export type ParamName = keyof SuiteParams;

/** A parameter as the report declares it: its value and why. */
export interface DeclaredParam {
  readonly name: ParamName;
  readonly value: SuiteParams[ParamName];
  readonly reason: string;
}

type Kind = 'numbers' | 'number' | 'modes' | 'skews' | 'barrier-kinds' | 'boolean';

const KINDS: { readonly [K in ParamName]: Kind } = {
  modes: 'modes',
  intervalsMs: 'numbers',
  parallelisms: 'numbers',
  inputChannels: 'numbers',
  skews: 'skews',
  loads: 'numbers',
  sinkDelaysMicros: 'numbers',
  inFlightTargetsMs: 'numbers',
  barrierKinds: 'barrier-kinds',
  alignmentTimeoutMs: 'number',
  baseIntervalMs: 'number',
  baseParallelism: 'number',
  baseInputChannels: 'number',
  keys: 'number',
  payloadBytes: 'number',
  hotKeyShare: 'number',
  slowInputRate: 'number',
  nodePeer: 'boolean',
  warmupMs: 'number',
  warmupCheckpoints: 'number',
  windowMs: 'number',
  intervalsPerWindow: 'number',
  repeats: 'number',
  startTimeoutMs: 'number',
};

/** Every parameter name. */
export const PARAM_NAMES = Object.keys(KINDS) as ParamName[];

/** `intervalsMs` → `intervals-ms`, the flag's name. */
export function flagName(name: ParamName): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function parseValue(name: ParamName, kind: Kind, raw: unknown): unknown {
  const fail = (expected: string): never => {
    throw new InvalidOptionError(name, expected, raw);
  };
  const list = (): unknown[] =>
    Array.isArray(raw)
      ? raw
      : typeof raw === 'string'
        ? raw
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s.length > 0)
        : fail('a list (JSON array or comma-separated)');
  const oneOf = (allowed: readonly string[]): unknown[] => {
    const values = list();
    return values.length > 0 && values.every((v) => allowed.includes(v as string))
      ? values
      : fail(`a non-empty list of ${allowed.join(', ')}`);
  };
  const number = (v: unknown): number => {
    const n = typeof v === 'string' ? Number(v) : v;
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : fail('non-negative numbers');
  };
  switch (kind) {
    case 'number':
      return number(raw);
    case 'numbers': {
      const values = list().map(number);
      return values.length > 0 ? values : fail('a non-empty list of numbers');
    }
    case 'modes':
      return oneOf(MODES);
    case 'skews':
      return oneOf(SKEWS);
    case 'barrier-kinds':
      return oneOf(BARRIER_KINDS);
    case 'boolean':
      if (raw === true || raw === 'true') return true;
      if (raw === false || raw === 'false') return false;
      return fail('true or false');
  }
}

/** Checks combinations no single value shows. */
function checkParams(p: SuiteParams): SuiteParams {
  const positive: ParamName[] = [
    'baseIntervalMs',
    'baseParallelism',
    'baseInputChannels',
    'keys',
    'windowMs',
    'repeats',
    'startTimeoutMs',
    'slowInputRate',
  ];
  for (const name of positive)
    if (!((p[name] as number) > 0)) throw new InvalidOptionError(name, 'a positive number', p[name]);
  for (const name of ['parallelisms', 'inputChannels'] as const) {
    for (const v of p[name])
      if (!Number.isInteger(v) || v < 1) throw new InvalidOptionError(name, 'positive integers', p[name]);
  }
  if (p.intervalsMs.some((v) => v < 10))
    throw new InvalidOptionError('intervalsMs', 'intervals of at least 10 ms', p.intervalsMs);
  if (p.loads.some((v) => v <= 0 || v > 1))
    throw new InvalidOptionError('loads', 'shares in (0, 1]', p.loads);
  if (p.hotKeyShare > 1) throw new InvalidOptionError('hotKeyShare', 'a share in [0, 1]', p.hotKeyShare);
  if (!Number.isInteger(p.repeats)) throw new InvalidOptionError('repeats', 'a positive integer', p.repeats);
  return p;
}

/**
 * The parameters of a run: `defaults`, overridden by the JSON file `--params <file>` (an object of
 * parameter names), overridden by flags (`--intervals-ms=50,100 --repeats 3`).
 */
export function readParams(defaults: SuiteParams, args: BenchArgs): SuiteParams {
  const values: Record<string, unknown> = { ...defaults };
  const file = args.flags.get('params');
  if (file !== undefined) {
    if (file === true) throw new InvalidOptionError('--params', 'a JSON file path', file);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new InvalidOptionError('--params', `a readable JSON file (${(error as Error).message})`, file);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new InvalidOptionError('--params', 'a JSON object of parameters', file);
    for (const [name, raw] of Object.entries(parsed)) {
      if (!(name in KINDS))
        throw new InvalidOptionError(`--params ${name}`, `one of ${PARAM_NAMES.join(', ')}`, name);
      values[name] = parseValue(name as ParamName, KINDS[name as ParamName], raw);
    }
  }
  for (const name of PARAM_NAMES) {
    const raw = args.flags.get(flagName(name));
    if (raw !== undefined) values[name] = parseValue(name, KINDS[name], raw === true ? 'true' : raw);
  }
  return checkParams(values as unknown as SuiteParams);
}

/** Flags a subject does not know, so that a typo is an error rather than a silent default. */
export function unknownFlags(args: BenchArgs): string[] {
  const known = new Set([
    ...PARAM_NAMES.map(flagName),
    'params',
    'quick',
    'json',
    'out',
    'report',
    'no-report',
  ]);
  return [...args.flags.keys()].filter((f) => !known.has(f));
}
