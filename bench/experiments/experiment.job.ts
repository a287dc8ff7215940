/**
 * The experiment job: one or more numbered sources (each its own operator with its own rate, so
 * that one input can be slower than the others), stamped at the source, unioned, keyed by a
 * function of the record number into the benchmarks' keyed counter (count + payload per key in
 * keyed state: something to snapshot), and a sink that records each record's end-to-end latency
 * (see latency-sink.ts). Every keyed subtask has one input channel per source subtask: the barriers
 * of a checkpoint align across them.
 */
import { defineJob, type KeyedProcessFunction } from '../../src/index.ts';
import { keyedCounter } from '../jobs-support/keyed-counter.ts';
import { keyOf } from '../jobs-support/keys.ts';
import { workerBuiltAt } from '../jobs-support/worker-build.ts';
import { type ExperimentJobArgs, inputStart, type StampedRecord } from './job-args.ts';
import { latencySink } from './latency-sink.ts';
import { stamper } from './stamper.ts';

/** The keyed counter, forwarding each record to the sink. */
function countAndForward(
  args: ExperimentJobArgs,
  builtAt: number,
): KeyedProcessFunction<StampedRecord, StampedRecord> {
  const counter = keyedCounter(args.probe, args.payloadBytes, builtAt);
  if (typeof counter !== 'function') throw new TypeError('keyedCounter is expected to be a plain function');
  return (record, context, out) => {
    counter(record[0], context, { collect: () => {} });
    out.collect(record);
  };
}

export default defineJob<ExperimentJobArgs>((env, args) => {
  const builtAt = workerBuiltAt();
  const streams = args.inputs.map((input, i) => {
    const rate = input.ratePerSecond === null ? {} : { ratePerSecond: input.ratePerSecond };
    const perSubtask = input.ratePerSecond === null ? null : input.ratePerSecond / input.parallelism;
    return env
      .fromSequence(inputStart(i), Number.POSITIVE_INFINITY, rate)
      .uid(`input-${i}`)
      .name(`input-${i}`)
      .setParallelism(input.parallelism)
      .map(stamper(perSubtask))
      .uid(`stamp-${i}`)
      .name(`stamp-${i}`)
      .setParallelism(input.parallelism);
  });
  const [first, ...rest] = streams;
  if (first === undefined) throw new RangeError('the experiment job needs at least one input');
  const all = rest.length === 0 ? first : first.union(...rest);
  all
    .keyBy((record) => keyOf(record[0], args.keys, args.hotKeyShare))
    .process(countAndForward(args, builtAt))
    .uid('state')
    .name('count+payload')
    .setParallelism(args.keyedParallelism)
    .sinkTo(latencySink(args.channel, args.sinkDelayMicros))
    .uid('latency-sink')
    .name('latency-sink')
    .setParallelism(args.keyedParallelism);
});
