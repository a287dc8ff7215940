/**
 * The experiment job: one or more numbered sources (each its own operator with its own rate, so
 * that one input can be slower than the others), stamped at the source, unioned, keyed by a
 * function of the record number into the benchmarks' keyed counter (count + payload per key in
 * keyed state: something to snapshot), and a sink that records each record's end-to-end latency
 * (see latency-sink.ts). Every keyed subtask has one input channel per source subtask: the barriers
 * of a checkpoint align across them.
 */
import { defineJob, type KeyedProcessFunction, monotonicMicros } from '../../src/index.ts';
import { keyedCounter } from '../jobs-support/keyed-counter.ts';
import { keyOf } from '../jobs-support/keys.ts';
import { workerBuiltAt } from '../jobs-support/worker-build.ts';
import { type ExperimentJobArgs, inputStart, type StampedRecord, type TakenRecord } from './job-args.ts';
import { latencySink } from './latency-sink.ts';
import { stamper } from './stamper.ts';

/**
 * The keyed counter, forwarding each record to the sink with the time it was taken from its input
 * channel (the end of the latency breakdown's channel stage). The record is a fresh array decoded
 * from the channel, so the stamp is appended in place rather than copied.
 */
function countAndForward(
  args: ExperimentJobArgs,
  builtAt: number,
): KeyedProcessFunction<StampedRecord, TakenRecord> {
  const counter = keyedCounter(args.probe, args.payloadBytes, builtAt);
  if (typeof counter !== 'function') throw new TypeError('keyedCounter is expected to be a plain function');
  // One collector for every record: a closure made per record cost ~8 % of the keyed thread at
  // saturation (the bundler's keepNames wraps each one in a naming call).
  const discard = { collect: () => {} };
  return (record, context, out) => {
    const taken = record as unknown as number[];
    taken[3] = monotonicMicros();
    counter(record[0], context, discard);
    out.collect(taken as unknown as TakenRecord);
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
