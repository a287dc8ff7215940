/**
 * The recovery benchmark's job: one unbounded, rate-limited numbered source; record n has key
 * n mod `keys`, so the first `keys` records create every key's state and later ones only update
 * counts (the state stops growing at `keys × payloadBytes`); the keyed counter (count + payload
 * per key, see `jobs-support/keyed-counter.ts`) at `keyedParallelism`, which throws once when the
 * benchmark asks; a sink that drops everything. The source stamps its first record of every
 * attempt, so that a restore can be split into phases.
 */
import { defineJob } from '../../src/index.ts';
import { keyedCounter } from '../jobs-support/keyed-counter.ts';
import { Probe } from '../jobs-support/probe.ts';
import { wallNow } from '../jobs-support/wall-clock.ts';
import { workerBuiltAt } from '../jobs-support/worker-build.ts';

/** Arguments of the job (plain data, the same in every thread). */
export interface FillJobArgs {
  /** Distinct keys; each gets a payload of `payloadBytes`. */
  readonly keys: number;
  readonly payloadBytes: number;
  /** Records per second of the source. */
  readonly ratePerSecond: number;
  readonly keyedParallelism: number;
  /** From `createProbeMemory(keyedParallelism)`. */
  readonly probe: SharedArrayBuffer;
}

export default defineJob<FillJobArgs>((env, args) => {
  const builtAt = workerBuiltAt();
  const probe = new Probe(args.probe);
  let stamped = false;
  env
    .fromGenerator(
      (n) => {
        if (!stamped) {
          stamped = true;
          probe.markSourceFirstRecord(wallNow());
        }
        return n;
      },
      { ratePerSecond: args.ratePerSecond },
    )
    .uid('numbers')
    .name('numbers')
    .setParallelism(1)
    .keyBy((n) => n % args.keys)
    .process(keyedCounter(args.probe, args.payloadBytes, builtAt))
    .uid('state')
    .name('count+payload')
    .setParallelism(args.keyedParallelism)
    .discard()
    .uid('sink')
    .setParallelism(args.keyedParallelism);
});
