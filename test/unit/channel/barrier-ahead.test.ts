// An unaligned barrier goes into a full ring ahead of what its writer holds back (and those frames
// are returned as output channel state); a gate hands a consumer in the middle of a batch an
// overtaking barrier even when it is next in its ring.
import { describe, expect, it } from 'vitest';
import { FrameKind } from '../../../src/channel/frame.ts';
import { RecordDecoder } from '../../../src/channel/record-codec.ts';
import { RingBuffer } from '../../../src/channel/ring-buffer.ts';
import {
  type ChannelEvent,
  ChannelWriter,
  createDoorbell,
  createRing,
  InputGate,
} from '../../../src/index.ts';

const unaligned = (checkpointId: number) => ({
  checkpointId,
  timestamp: 1,
  savepoint: false,
  unaligned: true,
});

function drain(gate: InputGate): ChannelEvent[] {
  const out: ChannelEvent[] = [];
  for (let e = gate.poll(); e !== null; e = gate.poll()) out.push(e.event);
  return out;
}

/** A 1 KiB ring filled with 100-byte record frames until the writer holds one back. */
function fullRing() {
  const descriptor = createRing({ capacity: 1024, name: 'out', doorbell: createDoorbell() });
  const writer = new ChannelWriter(descriptor, { batchBytes: 100 });
  const padding = 'x'.repeat(80);
  let n = 0;
  while (!writer.blocked) {
    writer.emit({ n: n++, padding });
    writer.flush();
  }
  return { descriptor, writer, written: n, padding };
}

describe('ChannelWriter.emitBarrierAhead', () => {
  it('writes the barrier ahead of the backlog and the partial batch, which follow it', () => {
    const { descriptor, writer, written, padding } = fullRing();
    // A partial batch behind the backlog.
    writer.emit({ n: written, padding });
    const held = writer.emitBarrierAhead(unaligned(3));
    const decoder = new RecordDecoder();
    expect(held.flatMap((frame) => decoder.decode(frame) as unknown[])).toEqual([
      { n: written - 1, padding },
      { n: written, padding },
    ]);
    const gate = new InputGate([descriptor]);
    const events: ChannelEvent[] = [];
    // The consumer drains; the writer catches up as room frees.
    for (let round = 0; round < 100 && !(events.length > 0 && !writer.blocked); round++) {
      events.push(...drain(gate));
      writer.tryDrain();
    }
    events.push(...drain(gate));
    const barrierAt = events.findIndex((e) => e.kind === 'barrier');
    const before = events.slice(0, barrierAt).flatMap((e) => (e.kind === 'records' ? e.records : []));
    const after = events.slice(barrierAt + 1).flatMap((e) => (e.kind === 'records' ? e.records : []));
    // What was in the ring comes before the barrier; the held frames after it, nothing lost.
    expect(before.map((r) => (r as { n: number }).n)).toEqual(
      Array.from({ length: written - 1 }, (_, i) => i),
    );
    expect(after.map((r) => (r as { n: number }).n)).toEqual([written - 1, written]);
  });

  it('is emitBarrier when nothing is held back: the partial batch goes first, no state', () => {
    const descriptor = createRing({ capacity: 4096, name: 'out', doorbell: createDoorbell() });
    const writer = new ChannelWriter(descriptor, { batchBytes: 256 });
    writer.emit({ n: 0 });
    expect(writer.emitBarrierAhead(unaligned(1))).toEqual([]);
    expect(drain(new InputGate([descriptor])).map((e) => e.kind)).toEqual(['records', 'barrier']);
  });

  it('keeps an earlier control frame in the backlog in its place', () => {
    const { descriptor, writer } = fullRing();
    writer.emitBarrier({ ...unaligned(1), unaligned: false });
    expect(writer.emitBarrierAhead(unaligned(2))).toEqual([]);
    const ring = new RingBuffer(descriptor);
    // Still held: the records frame, then barriers 1 and 2, behind the full ring.
    expect(writer.blocked).toBe(true);
    expect(ring.peek()).toBe(FrameKind.Records);
  });
});

describe('InputGate.pollOvertaking', () => {
  it('takes an unaligned barrier that is next in its ring, and the gate then skips its frame', () => {
    const descriptor = createRing({ capacity: 4096, name: 'in', doorbell: createDoorbell() });
    const writer = new ChannelWriter(descriptor, { batchBytes: 64 });
    const gate = new InputGate([descriptor], { overtakeUnalignedBarriers: true });
    writer.emit({ n: 0 });
    writer.flush();
    // The consumer reads the batch, then pauses inside it; the barrier arrives next.
    expect(gate.poll()?.event.kind).toBe('records');
    expect(gate.pollOvertaking()).toBeNull();
    writer.emitBarrier(unaligned(4));
    writer.emit({ n: 1 });
    writer.flush();
    expect(gate.pollOvertaking()).toEqual({
      channel: 0,
      event: { kind: 'overtaking-barrier', barrier: unaligned(4), overtaken: [] },
    });
    expect(drain(gate)).toEqual([
      { kind: 'overtaken', checkpointId: 4 },
      { kind: 'records', records: [{ n: 1 }] },
    ]);
  });

  it('passes a barrier delivered out of band only on request, and takes nothing without overtaking', () => {
    const descriptor = createRing({ capacity: 4096, name: 'in', doorbell: createDoorbell() });
    const writer = new ChannelWriter(descriptor, { batchBytes: 64 });
    const gate = new InputGate([descriptor], { overtakeUnalignedBarriers: true });
    writer.emit({ n: 0 });
    writer.flush();
    writer.emitBarrier(unaligned(4));
    writer.emit({ n: 1 });
    writer.flush();
    writer.emitBarrier(unaligned(5));
    expect(gate.poll()?.event.kind).toBe('overtaking-barrier');
    expect(gate.pollOvertaking()).toBeNull();
    // Past it on request: the later barrier overtakes every record before it.
    const later = gate.pollOvertaking(true)?.event;
    expect(later?.kind === 'overtaking-barrier' && later.barrier.checkpointId).toBe(5);
    if (later?.kind !== 'overtaking-barrier') return;
    expect(later.overtaken.map((frame) => new RecordDecoder().decode(frame))).toEqual([
      [{ n: 0 }],
      [{ n: 1 }],
    ]);
    const plain = createRing({ capacity: 4096, name: 'in', doorbell: createDoorbell() });
    new ChannelWriter(plain).emitBarrier(unaligned(1));
    expect(new InputGate([plain]).pollOvertaking()).toBeNull();
  });
});
