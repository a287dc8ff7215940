// Partitioners send each record where Flink would: hash through key groups, rebalance round-robin,
// broadcast to all, forward to one.
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

function setup(n: number, partitioner: PartitionerSpec) {
  const rings = Array.from({ length: n }, (_, i) => createRing({ capacity: 64 * 1024, name: `out${i}` }));
  const output = new TaskOutput();
  output.addEdge(
    rings.map((r) => new ChannelWriter(r)),
    partitioner,
    {
      maxParallelism: 128,
      subtaskIndex: 0,
      parallelism: 1,
      consumer: { operatorName: 'op', operatorUid: 'op-1' },
      combine: null,
    },
  );
  const gates = rings.map((r) => new InputGate([r]));
  const read = (): unknown[][] =>
    gates.map((gate) => {
      const got: unknown[] = [];
      for (let e = gate.poll(); e !== null; e = gate.poll())
        if (e.event.kind === 'records') got.push(...e.event.records);
      return got;
    });
  return { output, read };
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

  it('reports backpressure through its flag when a channel fills', () => {
    const { output } = setup(1, { kind: 'forward' });
    let n = 0;
    while (!output.flag.blocked && n < 1_000_000) output.collect({ n: n++, pad: 'x'.repeat(100) });
    expect(output.flag.blocked).toBe(true);
    expect(n).toBeLessThan(2000);
  });
});
