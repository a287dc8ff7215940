/**
 * Flink's key-group scheme. A key's hash picks one of `maxParallelism` key groups (the unit in which
 * keyed state is partitioned, snapshotted and redistributed), and each operator subtask owns one
 * contiguous range of key groups. Because the key group of a key never depends on the parallelism,
 * a job can be restored at another parallelism by handing each new subtask the key groups of its
 * new range. The arithmetic is that of Flink's `KeyGroupRangeAssignment`; the hash is murmur3 over
 * weir's canonical key encoding (see `key-encoding.ts`), identical in every thread and process.
 */
import { InvalidOptionError } from '../errors.ts';
import { hashKey } from './key-encoding.ts';

/** The number of key groups when a job does not set one (Flink's lower default, 128). */
export const DEFAULT_MAX_PARALLELISM = 128;

/** The largest accepted max parallelism (as in Flink: 2^15). */
export const UPPER_BOUND_MAX_PARALLELISM = 32768;

/** An inclusive range of key groups, `start <= end`. */
export interface KeyGroupRange {
  /** First key group of the range. */
  readonly start: number;
  /** Last key group of the range (inclusive). */
  readonly end: number;
}

/**
 * The key group of `key`: its hash modulo `maxParallelism`.
 * @throws InvalidKeyError if the value cannot be a key; InvalidOptionError for a bad maxParallelism.
 */
export function keyGroupFor(key: unknown, maxParallelism: number = DEFAULT_MAX_PARALLELISM): number {
  checkMaxParallelism(maxParallelism);
  return hashKey(key) % maxParallelism;
}

/**
 * The index of the operator subtask that owns `keyGroup`: `floor(keyGroup * parallelism /
 * maxParallelism)`, as in Flink.
 * @throws InvalidOptionError if an argument is out of range.
 */
export function computeOperatorIndexForKeyGroup(
  maxParallelism: number,
  parallelism: number,
  keyGroup: number,
): number {
  checkParallelism(maxParallelism, parallelism);
  checkKeyGroup(keyGroup, maxParallelism);
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/**
 * The key groups owned by subtask `operatorIndex` of `parallelism` subtasks, consistent with
 * {@link computeOperatorIndexForKeyGroup}: the ranges of all subtasks are disjoint, contiguous, in
 * subtask order, and cover every key group (each one non-empty since parallelism <= maxParallelism).
 * @throws InvalidOptionError if an argument is out of range.
 */
export function keyGroupRangeForOperator(
  maxParallelism: number,
  parallelism: number,
  operatorIndex: number,
): KeyGroupRange {
  checkParallelism(maxParallelism, parallelism);
  checkInteger('operatorIndex', operatorIndex, 0, parallelism - 1, `parallelism - 1 = ${parallelism - 1}`);
  return {
    start: Math.floor((operatorIndex * maxParallelism + parallelism - 1) / parallelism),
    end: Math.floor(((operatorIndex + 1) * maxParallelism - 1) / parallelism),
  };
}

/**
 * The index of the subtask that owns `key` when an operator runs with `parallelism` subtasks.
 * @throws InvalidKeyError if the value cannot be a key; InvalidOptionError for bad arguments.
 */
export function subtaskForKey(key: unknown, maxParallelism: number, parallelism: number): number {
  checkParallelism(maxParallelism, parallelism);
  return Math.floor(((hashKey(key) % maxParallelism) * parallelism) / maxParallelism);
}

/**
 * {@link subtaskForKey} for one operator, with `maxParallelism` and `parallelism` validated once:
 * the partitioner's per-record function.
 * @throws InvalidOptionError for bad arguments (the returned function throws InvalidKeyError).
 */
export function subtaskSelector(maxParallelism: number, parallelism: number): (key: unknown) => number {
  checkParallelism(maxParallelism, parallelism);
  return (key) => Math.floor(((hashKey(key) % maxParallelism) * parallelism) / maxParallelism);
}

/** Whether `range` holds `keyGroup`. */
export function keyGroupRangeContains(range: KeyGroupRange, keyGroup: number): boolean {
  return keyGroup >= range.start && keyGroup <= range.end;
}

/**
 * Validates a key-group range against `maxParallelism`.
 * @throws InvalidOptionError naming `option` if the range is not a non-empty range of key groups.
 */
export function checkKeyGroupRange(range: KeyGroupRange, maxParallelism: number, option: string): void {
  checkMaxParallelism(maxParallelism);
  const max = maxParallelism - 1;
  checkInteger(`${option}.start`, range.start, 0, max, `maxParallelism - 1 = ${max}`);
  checkInteger(`${option}.end`, range.end, range.start, max, `maxParallelism - 1 = ${max}`);
}

function checkMaxParallelism(maxParallelism: number): void {
  if (
    Number.isInteger(maxParallelism) &&
    maxParallelism >= 1 &&
    maxParallelism <= UPPER_BOUND_MAX_PARALLELISM
  )
    return;
  checkInteger('maxParallelism', maxParallelism, 1, UPPER_BOUND_MAX_PARALLELISM, '');
}

function checkParallelism(maxParallelism: number, parallelism: number): void {
  checkMaxParallelism(maxParallelism);
  if (Number.isInteger(parallelism) && parallelism >= 1 && parallelism <= maxParallelism) return;
  checkInteger('parallelism', parallelism, 1, maxParallelism, `maxParallelism = ${maxParallelism}`);
}

function checkKeyGroup(keyGroup: number, maxParallelism: number): void {
  if (Number.isInteger(keyGroup) && keyGroup >= 0 && keyGroup < maxParallelism) return;
  checkInteger('keyGroup', keyGroup, 0, maxParallelism - 1, `maxParallelism - 1 = ${maxParallelism - 1}`);
}

/** Throws an InvalidOptionError unless `value` is an integer in [min, max]; `why` explains max. */
function checkInteger(option: string, value: number, min: number, max: number, why: string): void {
  if (Number.isInteger(value) && value >= min && value <= max) return;
  const bound = why === '' ? `${max}` : `${max} (${why})`;
  throw new InvalidOptionError(option, `an integer in [${min}, ${bound}]`, value);
}
