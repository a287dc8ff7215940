/**
 * Every parameter of the windows benchmark, in one place, with the reason for its value. The full
 * run takes about a minute on a 2-core machine; `--quick` is a smoke run of seconds.
 */

export interface WindowsBenchParams {
  /** Records per throughput trial: enough for a second or more of work per trial at parallelism 1. */
  readonly records: number;
  /** Distinct keys: many windows open at once, as in a per-user job. */
  readonly keys: number;
  /** Keyed parallelisms compared (the machine has 2 cores). */
  readonly parallelisms: readonly number[];
  /** Tumbling window size and session gap, in ms of event time (record n is at n ms). */
  readonly windowMs: number;
  readonly sessionGapMs: number;
  /** Latency trials: records per second (about half of what the job sustains here) and how long. */
  readonly latencyRate: number;
  readonly latencyRecords: number;
  /** Watermark interval of the latency trials (ms): the bound the latency target adds 10 ms to. */
  readonly watermarkIntervalMs: number;
}

export const FULL: WindowsBenchParams = {
  records: 1_000_000,
  keys: 1000,
  parallelisms: [1, 2],
  windowMs: 1000,
  sessionGapMs: 50,
  latencyRate: 20_000,
  latencyRecords: 200_000,
  watermarkIntervalMs: 50,
};

export const QUICK: WindowsBenchParams = {
  ...FULL,
  records: 100_000,
  latencyRecords: 20_000,
};
