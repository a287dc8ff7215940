// Records, barriers and end of input reach the gate in order; paused channels keep their data.
import { describe, expect, it } from 'vitest';
import { RecordDecoder } from '../../../src/channel/record-codec.ts';
import {
  ChannelClosedError,
  type ChannelEvent,
  ChannelWriter,
  createDoorbell,
  createRing,
  InputGate,
  RecordEncodeError,
  type RingBuffer,
} from '../../../src/index.ts';

function channels(count: number, capacity = 4096) {
  const doorbell = createDoorbell();
  const descriptors = Array.from({ length: count }, (_, i) =>
    createRing({ capacity, name: `in${i}`, doorbell }),
  );
  const writers = descriptors.map((d) => new ChannelWriter(d, { batchBytes: 256 }));
  return { writers, gate: new InputGate(descriptors) };
}

function drain(gate: InputGate): Array<{ channel: number; event: ChannelEvent }> {
  const out: Array<{ channel: number; event: ChannelEvent }> = [];
  for (let e = gate.poll(); e !== null; e = gate.poll()) out.push(e);
  return out;
}

function records(events: Array<{ event: ChannelEvent }>): unknown[] {
  return events.flatMap(({ event }) => (event.kind === 'records' ? event.records : []));
}

describe('ChannelWriter and InputGate', () => {
  it('delivers records in order with barriers, watermarks and end of input in their place', () => {
    const { writers, gate } = channels(1);
    const w = writers[0]!;
    w.emit({ k: 'a', v: 1 });
    w.emit({ k: 'b', v: 2 });
    w.emitBarrier({ checkpointId: 7, timestamp: 1234.5, savepoint: true, unaligned: false });
    w.emit({ k: 'c', v: 3 });
    w.emitWatermark(99);
    w.emitLatencyMarker(42, 3);
    w.emitCancelBarrier(8);
    w.emit({ k: 'd', v: 4 });
    w.emitEndOfInput();
    const kinds = drain(gate).map(({ event }) => event);
    expect(kinds).toEqual([
      {
        kind: 'records',
        records: [
          { k: 'a', v: 1 },
          { k: 'b', v: 2 },
        ],
      },
      { kind: 'barrier', barrier: { checkpointId: 7, timestamp: 1234.5, savepoint: true, unaligned: false } },
      { kind: 'records', records: [{ k: 'c', v: 3 }] },
      { kind: 'watermark', timestamp: 99 },
      { kind: 'latency-marker', markedTime: 42, sourceSubtask: 3 },
      { kind: 'cancel-barrier', checkpointId: 8 },
      { kind: 'records', records: [{ k: 'd', v: 4 }] },
      { kind: 'end-of-input' },
    ]);
    expect(gate.finished).toBe(true);
  });

  it('flushes a partial batch only once its flush timeout has passed', () => {
    const { writers, gate } = channels(1);
    const w = writers[0]!;
    w.emit(1);
    const deadline = w.flushIfDue(0);
    expect(deadline).toBeGreaterThan(0);
    expect(gate.poll()).toBeNull();
    w.flushIfDue(deadline);
    expect(records(drain(gate))).toEqual([1]);
  });

  it('reads channels round-robin', () => {
    const { writers, gate } = channels(3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) {
        writers[i]!.emit(i * 10 + j);
        writers[i]!.flush();
      }
    }
    expect(drain(gate).map((e) => e.channel)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('keeps a paused channel data in its ring until resumed', () => {
    const { writers, gate } = channels(2);
    writers[0]!.emit('a0');
    writers[0]!.flush();
    writers[1]!.emit('b0');
    writers[1]!.flush();
    gate.pause(0);
    expect(gate.isPaused(0)).toBe(true);
    expect(records(drain(gate))).toEqual(['b0']);
    expect(gate.hasInput()).toBe(false);
    expect((gate.channels[0] as RingBuffer).usedBytes()).toBeGreaterThan(0);
    gate.resume(0);
    expect(gate.hasInput()).toBe(true);
    expect(records(drain(gate))).toEqual(['a0']);
  });

  it('splits batches that outgrow a frame and preserves order', () => {
    const { writers, gate } = channels(1, 1024);
    const w = writers[0]!;
    const sent = Array.from({ length: 40 }, (_, i) => ({ i, pad: 'x'.repeat(30) }));
    const got: unknown[] = [];
    for (const r of sent) {
      w.emit(r);
      if (w.blocked) {
        got.push(...records(drain(gate)));
        expect(w.tryDrain()).toBe(true);
      }
    }
    w.flush();
    while (w.blocked || gate.hasInput()) {
      got.push(...records(drain(gate)));
      w.tryDrain();
    }
    expect(got).toEqual(sent);
  });

  it.each([
    ['function', { f: () => 1 }],
    ['symbol', { s: Symbol('s') }],
    [
      'cyclic object',
      (() => {
        const o: Record<string, unknown> = {};
        o['self'] = o;
        return o;
      })(),
    ],
  ])(
    'fails with a typed error naming the channel and the type for a %s, delivering what came before',
    (type, bad) => {
      const { writers, gate } = channels(1);
      const w = writers[0]!;
      w.emit({ ok: 1 });
      w.emit(bad);
      w.emit({ ok: 2 });
      let error: unknown;
      try {
        w.flush();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RecordEncodeError);
      expect((error as RecordEncodeError).code).toBe('ERR_RECORD_ENCODE');
      expect((error as RecordEncodeError).valueType).toBe(type);
      expect((error as RecordEncodeError).channel).toBe('in0');
      expect(records(drain(gate))).toEqual([{ ok: 1 }]);
      // The channel stays failed: nothing after the bad record can slip through silently.
      expect(() => w.emit({ ok: 3 })).toThrow(ChannelClosedError);
    },
  );
});

describe('InputGate overtaking unaligned barriers', () => {
  const unaligned = (checkpointId: number) => ({
    checkpointId,
    timestamp: 1,
    savepoint: false,
    unaligned: true,
  });

  function overtakingGate() {
    const doorbell = createDoorbell();
    const descriptor = createRing({ capacity: 4096, name: 'in0', doorbell });
    const writer = new ChannelWriter(descriptor, { batchBytes: 64 });
    return { writer, gate: new InputGate([descriptor], { overtakeUnalignedBarriers: true }) };
  }

  it('delivers an unaligned barrier before the records ahead of it, then marks its place', () => {
    const { writer, gate } = overtakingGate();
    for (let n = 0; n < 3; n++) {
      writer.emit({ n });
      writer.flush();
    }
    writer.emitBarrier(unaligned(5));
    writer.emit({ n: 3 });
    writer.flush();
    const events = drain(gate).map(({ event }) => event);
    // The overtaken frames come along as copies: what the checkpoint persists as channel state.
    const first = events[0];
    expect(first?.kind).toBe('overtaking-barrier');
    if (first?.kind !== 'overtaking-barrier') return;
    expect(first.overtaken.map((frame) => new RecordDecoder().decode(frame))).toEqual([
      [{ n: 0 }],
      [{ n: 1 }],
      [{ n: 2 }],
    ]);
    expect(events).toEqual([
      { kind: 'overtaking-barrier', barrier: unaligned(5), overtaken: first.overtaken },
      { kind: 'records', records: [{ n: 0 }] },
      { kind: 'records', records: [{ n: 1 }] },
      { kind: 'records', records: [{ n: 2 }] },
      { kind: 'overtaken', checkpointId: 5 },
      { kind: 'records', records: [{ n: 3 }] },
    ]);
  });

  it('overtakes records only: an earlier control frame keeps its place and the barrier waits behind it', () => {
    const { writer, gate } = overtakingGate();
    writer.emit({ n: 0 });
    writer.emitBarrier({ checkpointId: 4, timestamp: 1, savepoint: false, unaligned: false });
    writer.emit({ n: 1 });
    writer.emitBarrier(unaligned(5));
    writer.emitEndOfInput();
    const kinds = drain(gate).map(({ event }) =>
      event.kind === 'barrier' || event.kind === 'overtaking-barrier'
        ? `${event.kind} ${event.barrier.checkpointId}`
        : event.kind,
    );
    expect(kinds).toEqual([
      'records',
      'barrier 4',
      'overtaking-barrier 5',
      'records',
      'overtaken',
      'end-of-input',
    ]);
  });

  it('lets a later unaligned barrier overtake an earlier one delivered out of band', () => {
    const { writer, gate } = overtakingGate();
    writer.emit({ n: 0 });
    writer.emitBarrier(unaligned(5));
    writer.emit({ n: 1 });
    writer.emitBarrier(unaligned(6));
    writer.emit({ n: 2 });
    writer.flush();
    const first = gate.poll()?.event;
    const second = gate.poll()?.event;
    expect(first?.kind === 'overtaking-barrier' && first.barrier.checkpointId).toBe(5);
    expect(second?.kind === 'overtaking-barrier' && second.barrier.checkpointId).toBe(6);
    // Checkpoint 6's channel state holds every record before its barrier, 5's place included.
    if (second?.kind !== 'overtaking-barrier') return;
    expect(second.overtaken.map((frame) => new RecordDecoder().decode(frame))).toEqual([
      [{ n: 0 }],
      [{ n: 1 }],
    ]);
    expect(
      drain(gate).map(({ event }) =>
        event.kind === 'overtaken' ? `overtaken ${event.checkpointId}` : event.kind,
      ),
    ).toEqual(['records', 'overtaken 5', 'records', 'overtaken 6', 'records']);
  });

  it('reads a barrier with nothing before it, and aligned barriers and savepoints, in band', () => {
    const { writer, gate } = overtakingGate();
    writer.emitBarrier(unaligned(1));
    writer.emit({ n: 0 });
    writer.emitBarrier({ checkpointId: 2, timestamp: 1, savepoint: true, unaligned: true });
    const kinds = drain(gate).map(({ event }) => event.kind);
    expect(kinds).toEqual(['barrier', 'records', 'barrier']);
  });
});
