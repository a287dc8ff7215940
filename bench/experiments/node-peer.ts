/**
 * The Node.js peer of the experiment job, on identical inputs: one thread, `stream.pipeline` of a
 * generator (the same record numbers, stamped the same way at the same offered rate), a keyed count
 * with the same keys and per-key payloads in `Map`s, and a sink recording the same two latencies
 * (with the same busy work per record when the sink is slow). Stages pass arrays of records, as
 * the pipeline benchmark's Node.js baseline does, so the stream machinery costs per batch. No
 * threads, rings or checkpoints: the floor weir's latency is compared with.
 *
 * Thread: the main thread (it runs between weir trials, never alongside one).
 */
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleepFor, setImmediate as yieldToLoop } from 'node:timers/promises';
import { monotonicMicros } from '../../src/index.ts';
import { type Reading, ratesBetween } from '../checkpoint/window.ts';
import { payloadFor } from '../jobs-support/keyed-counter.ts';
import { keyOf } from '../jobs-support/keys.ts';
import { processCpu } from '../jobs-support/process-cpu.ts';
import { loadAverage } from '../support/machine.ts';
import { configId, type JobShape, type TrialConfig } from './config.ts';
import type { StampedRecord, TakenRecord } from './job-args.ts';
import { LatencyRecorder } from './latency-recorder.ts';
import { stamper } from './stamper.ts';
import { type TrialTick, type TrialTiming, waitWindow } from './trial.ts';
import { latencyFigures, type TrialRecord } from './trial-result.ts';

/** Records per array between stages. */
const BATCH = 256;

/** The generator stage: `rate` records/s (null: as fast as the pipeline takes them) until `stop`. */
async function* generate(rate: number | null, stop: { done: boolean }): AsyncGenerator<StampedRecord[]> {
  const stamp = stamper(rate);
  const started = performance.now();
  let n = 0;
  let lastYield = started;
  while (!stop.done) {
    const due = rate === null ? n + BATCH : Math.floor(((performance.now() - started) * rate) / 1000) + 1;
    if (due <= n) {
      await sleepFor(1);
      continue;
    }
    const batch: StampedRecord[] = [];
    while (n < due && batch.length < BATCH) batch.push(stamp(n++));
    yield batch;
    if (performance.now() - lastYield > 5) {
      // Let timers run (the window's end) even when the pipeline never waits.
      await yieldToLoop();
      lastYield = performance.now();
    }
  }
}

/** Runs the Node.js peer of `config` once. */
export async function runNodePeer(
  config: TrialConfig,
  shape: JobShape,
  timing: TrialTiming,
  meta: { readonly group: string; readonly repeat: number },
  tick: TrialTick = () => {},
): Promise<TrialRecord> {
  const counts = new Map<number, number>();
  const payloads = new Map<number, string>();
  const scratch = Buffer.alloc(Math.max(1, shape.payloadBytes));
  const latencies = new LatencyRecorder();
  const seen = { records: 0 };
  const stop = { done: false };
  const hotKeyShare = config.skew === 'hot-key' ? shape.hotKeyShare : 0;

  async function* count(batches: AsyncIterable<StampedRecord[]>): AsyncGenerator<TakenRecord[]> {
    for await (const batch of batches) {
      for (const record of batch) {
        // Taken by the keyed stage: the end of the breakdown's channel stage, as in the weir job.
        (record as unknown as number[])[3] = monotonicMicros();
        const key = keyOf(record[0], shape.keys, hotKeyShare);
        const n = counts.get(key) ?? 0;
        if (n === 0 && shape.payloadBytes > 0)
          payloads.set(key, payloadFor(key, shape.payloadBytes, scratch));
        counts.set(key, n + 1);
      }
      yield batch as unknown as TakenRecord[];
    }
  }

  async function sink(batches: AsyncIterable<TakenRecord[]>): Promise<void> {
    for await (const batch of batches) {
      for (const record of batch) {
        const now = monotonicMicros();
        latencies.record(record, now);
        if (config.sinkDelayMicros > 0) {
          const until = now + config.sinkDelayMicros;
          while (monotonicMicros() < until) {
            // The slow sink's busy work, as in the weir job.
          }
        }
        seen.records++;
      }
    }
  }

  const read = (): Reading => ({ records: seen.records, at: performance.now(), cpu: processCpu() });
  const running = pipeline(generate(config.offeredRate, stop), count, sink);
  await sleepFor(timing.warmupMs);
  latencies.reset();
  const from = read();
  await waitWindow(timing.windowMs, tick);
  const to = read();
  const latency = latencyFigures(latencies);
  stop.done = true;
  await running;
  return {
    id: configId(config),
    group: meta.group,
    config,
    repeat: meta.repeat,
    startMs: 0,
    throughput: ratesBetween(from, to),
    latency,
    earlyRecords: latencies.clamped,
    checkpoints: [],
    failedCheckpoints: 0,
    loadAverage: loadAverage(),
  };
}
