/**
 * The keyed function both benchmark jobs run: per key a count (value state, updated by every
 * record) and a payload (value state, written once, when the key is first seen), which is the
 * keyed-state size knob: `keys × payloadBytes` bytes of strings on the JS heap. It counts records
 * into the shared {@link Probe}, stamps the first record of each attempt, and throws once when the
 * main thread requests a failure.
 *
 * Thread: a keyed subtask's worker; one closure per worker, so per subtask and per attempt.
 */
import type { KeyedProcessFunction, ValueState } from '../../src/index.ts';
import { valueState } from '../../src/index.ts';
import { Probe } from './probe.ts';
import { wallNow } from './wall-clock.ts';

/** Records seen per key. */
export const COUNT = valueState<number>('count', { defaultValue: 0 });
/** The key's payload, `payloadBytes` one-byte characters. */
export const PAYLOAD = valueState<string>('payload');

/** Thrown by the keyed function when the benchmark asks for a failure. */
export class InjectedFailure extends Error {}

/** A distinct, flat, heap-resident string of `bytes` Latin-1 characters for key `key`. */
export function payloadFor(key: number, bytes: number, scratch: Buffer): string {
  scratch.fill(`${key}:`, 0, bytes);
  return scratch.toString('latin1', 0, bytes);
}

/**
 * The keyed function; `probeMemory` comes from `createProbeMemory`, shared by every thread, and
 * `builtAt` from `workerBuiltAt()` in the job's build function.
 */
export function keyedCounter(
  probeMemory: SharedArrayBuffer,
  payloadBytes: number,
  builtAt: number,
): KeyedProcessFunction<number, never> {
  const probe = new Probe(probeMemory);
  const scratch = Buffer.alloc(Math.max(1, payloadBytes));
  let subtask = -1;
  let count: ValueState<number, number> | undefined;
  let payload: ValueState<string> | undefined;
  return (_record, ctx) => {
    if (subtask < 0) {
      subtask = ctx.subtaskIndex;
      count = ctx.state(COUNT);
      payload = ctx.state(PAYLOAD);
      probe.markFirstRecord(subtask, wallNow(), builtAt);
    } else {
      probe.countRecord(subtask);
    }
    if (probe.claimFailure()) {
      probe.markFailed(wallNow());
      throw new InjectedFailure(`injected failure in subtask ${subtask}`);
    }
    const n = count!.value();
    if (n === 0 && payloadBytes > 0)
      payload!.update(payloadFor(ctx.currentKey as number, payloadBytes, scratch));
    count!.update(n + 1);
  };
}
