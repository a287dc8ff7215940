/**
 * Every parameter of the connectors benchmark, in one place, with the reason for its value. A full
 * run takes about three minutes on a 2-core machine; `--quick` is a smoke run of well under a minute.
 */

export interface ConnectorsBenchParams {
  /** Entries per throughput trial: several seconds of work, so start-up weighs little. */
  readonly records: number;
  /** Distinct users (keys of the count): a per-user count, as the clicks example. */
  readonly users: number;
  /** Redis streams (source splits): one per source subtask at parallelism 2. */
  readonly streams: number;
  /** Parallelism of every operator (the machine has 2 cores). */
  readonly parallelism: number;
  /** Checkpoint interval (ms): exactly-once output becomes visible at each completion. */
  readonly checkpointMs: number;
  /** Rounds: server ceilings, at-least-once and exactly-once interleaved in each. */
  readonly rounds: number;
  /** Seconds each server-ceiling tool runs (pgbench -T) / requests redis-benchmark sends. */
  readonly pgbenchSeconds: number;
  readonly redisBenchmarkRequests: number;
  /** Latency trials: seconds of input at a fixed rate, as a fraction of the at-least-once throughput. */
  readonly latencySeconds: number;
  readonly latencyLoad: number;
  /** Milliseconds between two reads of the visible row count (the latency's resolution). */
  readonly pollMs: number;
}

export const FULL: ConnectorsBenchParams = {
  records: 200_000,
  users: 1000,
  streams: 2,
  parallelism: 2,
  checkpointMs: 200,
  rounds: 3,
  pgbenchSeconds: 5,
  redisBenchmarkRequests: 200_000,
  latencySeconds: 10,
  latencyLoad: 0.5,
  pollMs: 5,
};

export const QUICK: ConnectorsBenchParams = {
  ...FULL,
  records: 20_000,
  rounds: 1,
  pgbenchSeconds: 2,
  redisBenchmarkRequests: 20_000,
  latencySeconds: 3,
};
