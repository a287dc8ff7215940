// On random channel contents and read orders, every handler takes exactly the consistent cuts a reference model predicts.
//
// The reference model is declarative, independent of read order: each input channel is a FIFO of
// records, barriers and cancellation barriers with increasing checkpoint ids, then end of input.
// Checkpoint n can complete iff some channel carries barrier n and every channel either carries
// barrier n or ends without carrying anything of id >= n. Its consistent cut E(n) is every record
// that precedes barrier n in its channel (all of a channel's records if it has no barrier n).
// The simulation reads the channels in a random order, honouring the handler's pauses the way the
// input gate does, and fires the alignment timer when the subtask would wake for it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Barrier } from '../../../../src/channel/frame.ts';
import type { CheckpointingMode } from '../../../../src/checkpoint/config.ts';
import type { BarrierHandlerContext, SnapshotMetrics } from '../../../../src/task/barrier/context.ts';
import { createBarrierHandler } from '../../../../src/task/barrier/create-barrier-handler.ts';
import { ManualClock } from '../../../../src/util/clock.ts';

type Event =
  | { kind: 'record'; id: number }
  | { kind: 'barrier'; checkpoint: number }
  | { kind: 'cancel'; checkpoint: number }
  | { kind: 'end' };

const CHECKPOINTS = 5;

/** What an upstream did for one checkpoint on one channel, and how many records came before. */
const step = fc.tuple(
  fc.constantFrom<'barrier' | 'cancel' | 'skip'>(
    'barrier',
    'barrier',
    'barrier',
    'barrier',
    'cancel',
    'skip',
  ),
  fc.nat(2),
);

const scenario = fc.record({
  channels: fc.integer({ min: 1, max: 4 }).chain((n) =>
    fc.array(fc.array(step, { minLength: CHECKPOINTS, maxLength: CHECKPOINTS }), {
      minLength: n,
      maxLength: n,
    }),
  ),
  unalignedFlags: fc.array(fc.boolean(), { minLength: CHECKPOINTS + 1, maxLength: CHECKPOINTS + 1 }),
  schedule: fc.array(fc.nat(), { maxLength: 80 }),
  delays: fc.array(fc.nat(4), { maxLength: 80 }),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

function buildChannels(s: Scenario): Event[][] {
  return s.channels.map((steps, c) => {
    const events: Event[] = [];
    let record = 0;
    steps.forEach(([action, before], i) => {
      for (let r = 0; r < before; r++) events.push({ kind: 'record', id: c * 1000 + record++ });
      if (action === 'barrier') events.push({ kind: 'barrier', checkpoint: i + 1 });
      if (action === 'cancel') events.push({ kind: 'cancel', checkpoint: i + 1 });
    });
    events.push({ kind: 'record', id: c * 1000 + record++ }, { kind: 'end' });
    return events;
  });
}

/** The reference model: which checkpoints can complete, and their consistent cuts. */
function reference(channels: Event[][]): Map<number, Set<number>> {
  const cuts = new Map<number, Set<number>>();
  for (let n = 1; n <= CHECKPOINTS; n++) {
    const hasBarrier = (events: Event[]) => events.some((e) => e.kind === 'barrier' && e.checkpoint === n);
    const movesPast = (events: Event[]) =>
      events.some((e) => e.kind !== 'record' && e.kind !== 'end' && e.checkpoint >= n);
    if (!channels.some(hasBarrier)) continue;
    if (!channels.every((events) => hasBarrier(events) || !movesPast(events))) continue;
    const cut = new Set<number>();
    for (const events of channels) {
      for (const e of events) {
        if (e.kind === 'barrier' && e.checkpoint === n) break;
        if (e.kind === 'record') cut.add(e.id);
      }
    }
    cuts.set(n, cut);
  }
  return cuts;
}

interface Outcome {
  snapshots: Map<number, { processed: Set<number>; metrics: SnapshotMetrics }>;
  channelState: Map<number, number[]>;
  triggerOrder: number[];
  completed: number[];
  aborted: number[];
  leftUnread: number;
  pendingAtEnd: number;
}

function simulate(
  mode: CheckpointingMode,
  s: Scenario,
  channels: Event[][],
  timeoutMs?: number,
  flags = false,
): Outcome {
  const n = channels.length;
  const pos = new Array<number>(n).fill(0);
  const paused = new Array<boolean>(n).fill(false);
  const capturing = new Map<number, number>();
  const processed = new Set<number>();
  const out: Outcome = {
    snapshots: new Map(),
    channelState: new Map(),
    triggerOrder: [],
    completed: [],
    aborted: [],
    leftUnread: 0,
    pendingAtEnd: 0,
  };
  const context: BarrierHandlerContext = {
    pause: (c) => void (paused[c] = true),
    resumeAll: () => paused.fill(false),
    triggerSnapshot: (b, metrics) => {
      out.triggerOrder.push(b.checkpointId);
      out.snapshots.set(b.checkpointId, { processed: new Set(processed), metrics });
      if (!metrics.unaligned) out.completed.push(b.checkpointId);
      else out.channelState.set(b.checkpointId, []);
    },
    abortCheckpoint: (id) => {
      out.aborted.push(id);
      out.channelState.delete(id);
      for (const [c, cp] of capturing) if (cp === id) capturing.delete(c);
    },
    startCapture: (c, id) => void capturing.set(c, id),
    stopCapture: (c, id) => {
      expect(capturing.get(c)).toBe(id);
      capturing.delete(c);
    },
    captureComplete: (id) => {
      expect([...capturing.values()]).not.toContain(id);
      out.completed.push(id);
    },
  };
  const clock = new ManualClock(0);
  const handler = createBarrierHandler(mode, {
    channels: n,
    context,
    clock,
    wallClock: clock,
    ...(timeoutMs === undefined ? {} : { alignedCheckpointTimeoutMs: timeoutMs }),
  });
  const barrierOf = (checkpoint: number): Barrier => ({
    checkpointId: checkpoint,
    timestamp: 0,
    savepoint: false,
    unaligned: flags && s.unalignedFlags[checkpoint]!,
  });

  for (let i = 0; ; i++) {
    if (clock.now() >= handler.alignmentDeadline) handler.onAlignmentTimer();
    const readable = [...pos.keys()].filter((c) => !paused[c] && pos[c]! < channels[c]!.length);
    if (readable.length === 0) {
      if (handler.alignmentDeadline === Number.POSITIVE_INFINITY) break;
      clock.advance(handler.alignmentDeadline - clock.now()); // the subtask sleeps until the deadline
      continue;
    }
    const c = readable[(s.schedule[i] ?? 0) % readable.length]!;
    const event = channels[c]![pos[c]!++]!;
    switch (event.kind) {
      case 'record':
        processed.add(event.id);
        if (capturing.has(c)) out.channelState.get(capturing.get(c)!)!.push(event.id);
        break;
      case 'barrier':
        handler.onBarrier(c, barrierOf(event.checkpoint));
        break;
      case 'cancel':
        handler.onCancelBarrier(c, event.checkpoint);
        break;
      case 'end':
        handler.onEndOfInput(c);
        break;
    }
    clock.advance(s.delays[i] ?? 0);
  }
  out.leftUnread = channels.reduce((sum, events, c) => sum + events.length - pos[c]!, 0);
  out.pendingAtEnd = handler.pendingCheckpoints;
  return out;
}

function expectIncreasing(ids: number[]): void {
  for (let i = 1; i < ids.length; i++) expect(ids[i]!).toBeGreaterThan(ids[i - 1]!);
}

const runs = { numRuns: 400 };

describe('barrier handlers against the reference model', () => {
  it('exactly-once aligned: snapshots exactly the completable checkpoints, each at its consistent cut', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const channels = buildChannels(s);
        const expected = reference(channels);
        const out = simulate('exactly-once', s, channels);
        expect(out.leftUnread).toBe(0);
        expect(out.pendingAtEnd).toBe(0);
        expect(out.triggerOrder).toEqual([...expected.keys()]);
        for (const [id, cut] of expected) expect(out.snapshots.get(id)!.processed).toEqual(cut);
        expect(out.aborted.filter((id) => expected.has(id))).toEqual([]);
        expect(new Set(out.aborted).size).toBe(out.aborted.length);
      }),
      runs,
    );
  });

  it('at-least-once: snapshots exactly the completable checkpoints, each after its consistent cut', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const channels = buildChannels(s);
        const expected = reference(channels);
        const out = simulate('at-least-once', s, channels);
        expect(out.leftUnread).toBe(0);
        expect(out.pendingAtEnd).toBe(0);
        expect(out.triggerOrder).toEqual([...expected.keys()]);
        for (const [id, cut] of expected) {
          const processed = out.snapshots.get(id)!.processed;
          for (const record of cut) expect(processed.has(record)).toBe(true);
        }
        expect(out.aborted.filter((id) => expected.has(id))).toEqual([]);
        expect(new Set(out.aborted).size).toBe(out.aborted.length);
      }),
      runs,
    );
  });

  it('exactly-once unaligned or timed out: snapshot plus channel state is the consistent cut', () => {
    fc.assert(
      fc.property(scenario, fc.constantFrom(0, 1, 3, 8), fc.boolean(), (s, timeoutMs, flags) => {
        const channels = buildChannels(s);
        const expected = reference(channels);
        const out = simulate('exactly-once', s, channels, timeoutMs, flags);
        expect(out.leftUnread).toBe(0);
        expect(out.pendingAtEnd).toBe(0);
        expectIncreasing(out.triggerOrder);
        for (const id of out.triggerOrder) {
          // Each snapshot ends exactly one way: completed (channel state captured) or aborted.
          expect(Number(out.completed.includes(id)) + Number(out.aborted.includes(id))).toBe(1);
        }
        for (const id of out.completed) {
          const cut = expected.get(id);
          expect(cut).toBeDefined();
          const state = out.channelState.get(id) ?? [];
          const snapshot = out.snapshots.get(id)!.processed;
          for (const record of state) expect(snapshot.has(record)).toBe(false);
          expect(new Set([...snapshot, ...state])).toEqual(cut);
        }
      }),
      runs,
    );
  });
});
