/**
 * The trivial-pipeline experiment: runs bench/pipeline/trivial.job.ts (generator -> keyBy -> sum ->
 * discard) and checks that every generated record reached the sink, so that the rate measures the
 * engine moving records and nothing else.
 */
import { executeWatched } from './dashboard-viewer.ts';
import type { TrivialJobArgs } from './trivial.job.ts';

const job = new URL('./trivial.job.ts', import.meta.url);

/** Runs the trivial job; throws unless the sink received all `records`. */
export async function runTrivial(parallelism: number, args: TrivialJobArgs): Promise<void> {
  const result = await executeWatched<TrivialJobArgs>(job, { args, environment: { parallelism } });
  const sunk = result.operators.find((o) => o.uid === 'discard')?.records;
  if (sunk !== args.records) {
    throw new Error(
      `trivial job at parallelism ${parallelism}: the sink saw ${sunk} of ${args.records} records`,
    );
  }
}
