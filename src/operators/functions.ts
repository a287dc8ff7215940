/**
 * Types of the user functions a pipeline is built from. They are plain closures in the job
 * module: every worker evaluates the same module and finds its functions by operator id, so
 * nothing here is ever serialised.
 */

/** Receives the records an operator emits. */
export interface Collector<T> {
  /** Emits one record downstream. */
  collect(record: T): void;
}

/** Turns one record into one record. */
export type MapFunction<IN, OUT> = (record: IN) => OUT;
/** Keeps the records for which it returns true. */
export type FilterFunction<T> = (record: T) => boolean;
/** Turns one record into any number of records: returns an iterable, or emits through `out`. */
// biome-ignore lint/suspicious/noConfusingVoidType: functions that only emit through `out` return void
export type FlatMapFunction<IN, OUT> = (record: IN, out: Collector<OUT>) => Iterable<OUT> | undefined | void;
/** Combines two values of the same key into one (associative, as in Flink's ReduceFunction). */
export type ReduceFunction<T> = (accumulated: T, next: T) => T;

/** A key: what `keyBy` extracts from a record (a string, number, boolean, bigint or an array of those). */
export type Key = string | number | boolean | bigint | readonly Key[];

/**
 * What `KeyedStream.count()` emits: a key and the number of records seen with it (in streaming
 * mode, so far; in batch mode, in the whole input). `K` is the key's type as the key selector
 * returns it.
 */
export interface KeyCount<K extends Key = Key> {
  /** The key, as the key selector returned it. */
  readonly key: K;
  /** The number of records with this key. */
  readonly count: number;
}

/** Extracts the key of a record: a function, or the name of a field holding it. */
export type KeySelector<T> = ((record: T) => Key) | (keyof T & string);

/** Where a sink or operator runs: available to functions that want to know. */
export interface RuntimeContext {
  /** The operator's name. */
  readonly operatorName: string;
  /** The operator's stable id. */
  readonly operatorUid: string;
  /** Index of this subtask, 0-based. */
  readonly subtaskIndex: number;
  /** Parallelism of this operator. */
  readonly parallelism: number;
}
