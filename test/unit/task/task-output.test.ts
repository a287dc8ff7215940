// Partitioners send each record where Flink would: hash through key groups, rebalance round-robin
// (skipping full channels while another has room), broadcast to all, forward to one.
import { describe, expect, it } from 'vitest';
import type { PartitionerSpec } from '../../../src/graph/stream-node.ts';
import {
  ChannelWriter,
  computeOperatorIndexForKeyGroup,
  createRing,
  InputGate,
  keyGroupFor,
} from '../../../src/index.ts';
import { TaskOutput } from '../../../src/task/task-output.ts';

function setup(n: number, partitioner: PartitionerSpec, capacity = 64 * 1024) {
  const rings = Array.from({ length: n }, (_, i) => createRing({ capacity, name: `out${i}` }));
  const output = new TaskOutput();
  const writers = rings.map((r) => new ChannelWriter(r, { batchBytes: 256 }));
  output.addEdge(writers, partitioner, {
    maxParallelism: 128,
    subtaskIndex: 0,
    parallelism: 1,
    consumer: { operatorName: 'op', operatorUid: 'op-1' },
    combine: null,
  });
  const gates = rings.map((r) => new InputGate([r]));
  const readGate = (gate: InputGate): unknown[] => {
    const got: unknown[] = [];
    for (let e = gate.poll(); e !== null; e = gate.poll())
      if (e.event.kind === 'records') got.push(...e.event.records);
    return got;
  };
  const read = (): unknown[][] => gates.map(readGate);
  return { output, read, writers, readOne: (i: number) => readGate(gates[i]!) };
}

describe('TaskOutput partitioners', () => {
  it('hash: every record goes to the subtask owning its key group', () => {
    const key = (r: unknown): string => (r as { k: string }).k;
    const { output, read } = setup(3, { kind: 'hash', key, description: 'k' });
    const records = Array.from({ length: 300 }, (_, i) => ({ k: `key${i % 41}` }));
    for (const r of records) output.collect(r);
    output.flushAll();
    const parts = read();
    parts.forEach((part, subtask) => {
      for (const r of part)
        expect(computeOperatorIndexForKeyGroup(128, 3, keyGroupFor(key(r), 128))).toBe(subtask);
    });
    expect(parts.flat()).toHaveLength(300);
  });

  it('rebalance: round-robin; broadcast: all; forward: the single channel', () => {
    const rebalance = setup(3, { kind: 'rebalance' });
    for (let i = 0; i < 9; i++) rebalance.output.collect(i);
    rebalance.output.flushAll();
    expect(rebalance.read().map((p) => p.length)).toEqual([3, 3, 3]);

    const broadcast = setup(3, { kind: 'broadcast' });
    for (let i = 0; i < 4; i++) broadcast.output.collect(i);
    broadcast.output.flushAll();
    expect(broadcast.read()).toEqual([
      [0, 1, 2, 3],
      [0, 1, 2, 3],
      [0, 1, 2, 3],
    ]);

    const forward = setup(1, { kind: 'forward' });
    for (let i = 0; i < 4; i++) forward.output.collect(i);
    forward.output.flushAll();
    expect(forward.read()).toEqual([[0, 1, 2, 3]]);
  });

  it('rebalance: skips a full channel while another has room, and blocks only when all are full', () => {
    const { output, writers, readOne } = setup(2, { kind: 'rebalance' }, 8192);
    const record = (n: number) => ({ n, pad: 'x'.repeat(10) });
    let n = 0;
    while (!output.flag.blocked && n < 100_000) output.collect(record(n++));
    expect(output.flag.blocked).toBe(true);
    expect(writers.every((w) => w.blocked)).toBe(true);
    // Consumer 1 drains, consumer 0 does not: the edge takes records again, all into channel 1.
    expect(readOne(1).length).toBeGreaterThan(0);
    output.flushAll();
    expect(output.flag.blocked).toBe(false);
    expect(output.backlogged).toBe(true);
    const first = n;
    for (let i = 0; i < 3; i++) output.collect(record(n++));
    output.flushAll();
    const later = (readOne(1) as { n: number }[]).map((r) => r.n).filter((x) => x >= first);
    expect(later).toEqual([first, first + 1, first + 2]);
    expect(writers[0]!.blocked).toBe(true);
    // Channel 0's backlog goes once its consumer reads: every record arrives exactly once.
    const zero = (readOne(0) as { n: number }[]).map((r) => r.n);
    expect(output.backlogged).toBe(false);
    zero.push(...(readOne(0) as { n: number }[]).map((r) => r.n));
    expect(zero.every((x) => x < first)).toBe(true);
    expect(new Set(zero).size).toBe(zero.length);
  });

  it('reports backpressure through its flag when a channel fills', () => {
    const { output } = setup(1, { kind: 'forward' });
    let n = 0;
    while (!output.flag.blocked && n < 1_000_000) output.collect({ n: n++, pad: 'x'.repeat(100) });
    expect(output.flag.blocked).toBe(true);
    expect(n).toBeLessThan(2000);
  });
});
