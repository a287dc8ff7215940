/**
 * The state-backends benchmark's job: a bounded numbered source; record n has key n mod `keys`; the
 * keyed function writes a distinct, flat `payloadBytes` payload when it first sees a key and counts every record
 * (one read and one write of value state per record), on the state backend the caller chooses.
 */
import { defineJob, valueState } from '../../src/index.ts';
import { payloadFor } from '../jobs-support/keyed-counter.ts';

/** Arguments of the job (plain data, the same in every thread). */
export interface KeyedPayloadArgs {
  readonly records: number;
  readonly keys: number;
  readonly payloadBytes: number;
  readonly parallelism: number;
}

const COUNT = valueState<number>('count', { defaultValue: 0 });
const PAYLOAD = valueState<string>('payload');

export default defineJob<KeyedPayloadArgs>((env, args) => {
  const scratch = Buffer.alloc(args.payloadBytes);
  env
    .fromSequence(0, args.records - 1)
    .uid('numbers')
    .setParallelism(1)
    .keyBy((n) => n % args.keys)
    .process<never>((n, ctx) => {
      const count = ctx.state(COUNT);
      const seen = count.value();
      if (seen === 0) ctx.state(PAYLOAD).update(payloadFor(n, args.payloadBytes, scratch));
      count.update(seen + 1);
    })
    .uid('state')
    .setParallelism(args.parallelism)
    .discard();
});
