/** Peer: weir's SharedArrayBuffer ring, ChannelWriter on the producer and InputGate on the consumer. */

import { ChannelWriter, DEFAULT_FLUSH_TIMEOUT_MS } from '../../../src/channel/channel-writer.ts';
import { InputGate } from '../../../src/channel/input-gate.ts';
import { MAX_PARK_MS } from '../../../src/channel/park.ts';
import { createRing, RingBuffer, type RingDescriptor } from '../../../src/channel/ring-buffer.ts';
import type { PeerDefinition, Receiver, RecordSink, Sender } from '../peer.ts';
import type { BenchRecord } from '../records.ts';

class RingSender implements Sender {
  readonly #ring: RingBuffer;
  #writer: ChannelWriter;
  #flushTimeoutMs = DEFAULT_FLUSH_TIMEOUT_MS;

  constructor(descriptor: RingDescriptor) {
    this.#ring = new RingBuffer(descriptor);
    this.#writer = new ChannelWriter(this.#ring);
  }

  begin(flushTimeoutMs: number): void {
    if (flushTimeoutMs === this.#flushTimeoutMs) return;
    // Between phases the batch is empty: a new writer over the same ring takes over its position.
    this.#writer = new ChannelWriter(this.#ring, { flushTimeoutMs });
    this.#flushTimeoutMs = flushTimeoutMs;
  }

  send(record: BenchRecord): Promise<void> | undefined {
    const writer = this.#writer;
    writer.emit(record);
    return writer.blocked ? writer.waitForSpace() : undefined;
  }

  flushIfDue(now: number): number {
    return this.#writer.flushIfDue(now);
  }

  flush(): Promise<void> | undefined {
    const writer = this.#writer;
    writer.flush();
    return writer.blocked ? writer.waitForSpace() : undefined;
  }

  async close(): Promise<void> {
    this.#writer.emitEndOfInput();
    await this.#writer.waitForSpace();
  }
}

class RingReceiver implements Receiver {
  readonly #gate: InputGate;

  constructor(descriptor: RingDescriptor) {
    this.#gate = new InputGate([descriptor]);
  }

  async run(sink: RecordSink): Promise<void> {
    const gate = this.#gate;
    for (;;) {
      const next = gate.poll();
      if (next === null) {
        await gate.waitForInput(MAX_PARK_MS);
        continue;
      }
      const { event } = next;
      if (event.kind === 'records') {
        for (const r of event.records) sink.add(r as BenchRecord);
      } else if (event.kind === 'end-of-input') {
        return;
      }
    }
  }
}

export const weirRing: PeerDefinition = {
  name: 'weir-ring',
  label: 'weir ring (ChannelWriter → InputGate)',
  consumerInPool: false,
  link(settings) {
    const ring = createRing({ capacity: settings.ringCapacity, name: 'bench' });
    return { producer: ring, consumer: ring, transfer: { producer: [], consumer: [] } };
  },
  async createSender(data) {
    return new RingSender(data.link as RingDescriptor);
  },
  createReceiver(data) {
    return new RingReceiver(data.link as RingDescriptor);
  },
};
