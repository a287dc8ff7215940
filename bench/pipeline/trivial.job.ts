/**
 * The trivial job of the pipeline benchmark, to show the engine's own cost per record: a generator
 * of small records, keyed by a small key, a rolling sum per key, and a sink that drops everything.
 * Streaming mode, so every record reaches the sink.
 */
import { defineJob } from '../../src/index.ts';

/** Arguments of the job. */
export interface TrivialJobArgs {
  /** Records to generate. */
  readonly records: number;
  /** Distinct keys. */
  readonly keys: number;
}

export default defineJob<TrivialJobArgs>(
  (env, { records, keys }) => {
    env
      .fromGenerator((n) => ({ key: n % keys, value: 1 }), { count: records })
      .name('generate')
      .uid('generate')
      .keyBy('key')
      .sum('value')
      .name('sum')
      .discard()
      .name('discard')
      .uid('discard');
  },
  { runtimeMode: 'streaming' },
);
