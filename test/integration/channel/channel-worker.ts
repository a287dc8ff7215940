// Worker side of the channel integration tests: plays producer or consumer of one ring, driven by
// a script from workerData, and answers `cancel` by closing the ring and returning.
import { parentPort, workerData } from 'node:worker_threads';
import { ChannelWriter, InputGate, type RingDescriptor } from '../../../src/index.ts';

/** One step of a producer script. */
export type ProducerOp =
  | { readonly t: 'record'; readonly size: number }
  | { readonly t: 'flush' }
  | { readonly t: 'barrier'; readonly id: number };

interface Data {
  readonly role: 'producer' | 'consumer' | 'endless-producer';
  readonly ring: RingDescriptor;
  readonly ops?: readonly ProducerOp[];
  readonly batchBytes?: number;
  readonly counters?: SharedArrayBuffer;
}

const data = workerData as Data;
const port = parentPort!;
let cancelled = false;

/** Shared counters: [0] records emitted, [1] times the producer woke while still blocked. */
const counters = data.counters ? new Int32Array(data.counters) : new Int32Array(2);

port.on('message', (m: { type: string }) => {
  if (m.type === 'cancel') {
    cancelled = true;
    gate?.wake();
    writer?.channel.close();
  }
});

const writer =
  data.role === 'consumer'
    ? undefined
    : new ChannelWriter(data.ring, { batchBytes: data.batchBytes ?? 4096 });
const gate = data.role === 'consumer' ? new InputGate([data.ring]) : undefined;

function record(seq: number, size: number): { seq: number; body: string } {
  return { seq, body: 'x'.repeat(size) };
}

async function produce(w: ChannelWriter): Promise<void> {
  let seq = 0;
  for (const op of data.ops ?? []) {
    if (op.t === 'record') w.emit(record(seq++, op.size));
    else if (op.t === 'flush') w.flush();
    else w.emitBarrier({ checkpointId: op.id, timestamp: op.id, savepoint: false, unaligned: false });
    if (w.blocked) {
      port.postMessage({ type: 'blocked' });
      await w.waitForSpace(() => cancelled);
    }
    if (cancelled) return;
  }
  w.emitEndOfInput();
  await w.waitForSpace(() => cancelled);
  port.postMessage({ type: 'done', stats: w.stats });
}

async function produceEndlessly(w: ChannelWriter): Promise<void> {
  let seq = 0;
  while (!cancelled) {
    w.emit(record(seq++, 16));
    Atomics.store(counters, 0, seq);
    if (w.blocked) {
      port.postMessage({ type: 'blocked', stats: { ...w.stats }, emitted: seq });
      // shouldStop runs each time the producer wakes while still blocked: count those wake-ups.
      await w.waitForSpace(() => {
        Atomics.add(counters, 1, 1);
        Atomics.notify(counters, 1);
        return cancelled;
      });
    }
  }
}

async function consume(g: InputGate): Promise<void> {
  const events: unknown[] = [];
  while (!g.finished && !cancelled) {
    const next = g.poll();
    if (next === null) {
      port.postMessage({ type: 'waiting' });
      await g.waitForInput(50);
      continue;
    }
    const { event } = next;
    if (event.kind === 'records') for (const r of event.records) events.push((r as { seq: number }).seq);
    else if (event.kind === 'barrier') events.push(`barrier:${event.barrier.checkpointId}`);
    else events.push(event.kind);
  }
  port.postMessage({ type: cancelled ? 'cancelled' : 'done', events });
}

if (gate) await consume(gate);
else if (data.role === 'endless-producer') await produceEndlessly(writer!);
else await produce(writer!);
port.close();
