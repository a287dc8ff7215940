// Between two real worker threads the consumer receives exactly the produced sequence, the producer
// blocks on a full ring without growing, and cancellation leaves no thread behind.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelWriter, createRing, InputGate, type RingBuffer } from '../../../src/index.ts';
import { exited, liveWorkers, nextMessage, spawnTsWorker, terminateAll } from '../../support/spawn.ts';
import type { ProducerOp } from './channel-worker.ts';

const workerModule = new URL('./channel-worker.ts', import.meta.url);

afterEach(async () => {
  const leaked = liveWorkers();
  await terminateAll();
  expect(leaked, 'workers left running by the test').toBe(0);
});

function expectedEvents(ops: readonly ProducerOp[]): unknown[] {
  const out: unknown[] = [];
  let seq = 0;
  for (const op of ops) {
    if (op.t === 'record') out.push(seq++);
    else if (op.t === 'barrier') out.push(`barrier:${op.id}`);
  }
  out.push('end-of-input');
  return out;
}

const opArb: fc.Arbitrary<ProducerOp> = fc.oneof(
  { weight: 20, arbitrary: fc.integer({ min: 0, max: 300 }).map((size) => ({ t: 'record' as const, size })) },
  { weight: 1, arbitrary: fc.constant({ t: 'flush' as const }) },
  { weight: 1, arbitrary: fc.nat(1000).map((id) => ({ t: 'barrier' as const, id })) },
);

describe('channel between two worker threads', () => {
  it('delivers every record once, in order, with barriers in place, for random sizes and capacities', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { minLength: 0, maxLength: 3000 }),
        fc.constantFrom(1024, 2048, 8192, 65536),
        fc.integer({ min: 64, max: 16384 }),
        async (ops, capacity, batchBytes) => {
          const ring = createRing({ capacity, name: 'prop' });
          const consumer = spawnTsWorker(workerModule, { role: 'consumer', ring });
          const producer = spawnTsWorker(workerModule, { role: 'producer', ring, ops, batchBytes });
          const received = nextMessage<{ type: string; events: unknown[] }>(
            consumer,
            (m) => m.type === 'done',
          );
          const [got] = await Promise.all([
            received,
            nextMessage(producer, (m: { type: string }) => m.type === 'done'),
          ]);
          expect(got.events).toEqual(expectedEvents(ops));
          await Promise.all([exited(consumer), exited(producer)]);
        },
      ),
      { numRuns: 12, seed: 20261123 },
    );
  });

  it('blocks a producer on a full ring without growing its memory, and resumes it when read', async () => {
    const ring = createRing({ capacity: 4096, name: 'bp' });
    const counters = new SharedArrayBuffer(8);
    const words = new Int32Array(counters);
    const producer = spawnTsWorker(workerModule, {
      role: 'endless-producer',
      ring,
      counters,
      batchBytes: 512,
    });
    const blocked = await nextMessage<{ type: string; emitted: number; stats: { maxBacklogBytes: number } }>(
      producer,
      (m) => m.type === 'blocked',
    );
    const consumerSide = new InputGate([ring]);
    expect((consumerSide.channels[0] as RingBuffer).usedBytes()).toBeGreaterThan(4096 - 600);
    // Let the producer wake up several times while still blocked, then check it made no progress.
    const wakeups = Atomics.load(words, 1);
    while (Atomics.load(words, 1) < wakeups + 3) {
      const r = Atomics.waitAsync(words, 1, Atomics.load(words, 1), 5000);
      if (r.async) await r.value;
    }
    expect(Atomics.load(words, 0)).toBe(blocked.emitted);
    expect(blocked.stats.maxBacklogBytes).toBeLessThanOrEqual(600);
    // Reading frees space: the producer moves again. Read until it has emitted more (what was
    // already in the ring and its backlog can be read before the producer gets a core), with a
    // bound on the waits so that a producer that never resumes fails the test instead of hanging it.
    let read = 0;
    for (let waits = 0; Atomics.load(words, 0) <= blocked.emitted && waits < 400; ) {
      const e = consumerSide.poll();
      if (e?.event.kind === 'records') read += e.event.records.length;
      else if (e === null) {
        waits++;
        await consumerSide.waitForInput(50);
      }
    }
    expect(read).toBeGreaterThan(0);
    expect(Atomics.load(words, 0)).toBeGreaterThan(blocked.emitted);
    producer.postMessage({ type: 'cancel' });
    expect(await exited(producer)).toBe(0);
  });

  it('cancels a producer blocked on a full ring and a consumer waiting on an empty one', async () => {
    const full = createRing({ capacity: 1024, name: 'full' });
    const filler = new ChannelWriter(full, { batchBytes: 64 });
    while (!filler.blocked) filler.emit({ seq: 0, body: 'fill' });
    const producer = spawnTsWorker(workerModule, {
      role: 'producer',
      ring: full,
      ops: [{ t: 'record', size: 100 }, { t: 'flush' }],
    });
    const empty = createRing({ capacity: 1024, name: 'empty' });
    const consumer = spawnTsWorker(workerModule, { role: 'consumer', ring: empty });
    await Promise.all([
      nextMessage<{ type: string }>(producer, (m) => m.type === 'blocked'),
      nextMessage<{ type: string }>(consumer, (m) => m.type === 'waiting'),
    ]);
    producer.postMessage({ type: 'cancel' });
    consumer.postMessage({ type: 'cancel' });
    const cancelled = nextMessage<{ type: string }>(consumer, (m) => m.type === 'cancelled');
    expect((await cancelled).type).toBe('cancelled');
    expect(await exited(producer)).toBe(0);
    expect(await exited(consumer)).toBe(0);
  });
});
