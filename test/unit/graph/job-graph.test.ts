// Invalid jobs are rejected before any worker starts, with errors naming the option or operator;
// valid ones are chained where Flink would chain them.
import { describe, expect, it } from 'vitest';
import { buildJobGraph, topologicalOrder } from '../../../src/graph/job-graph.ts';
import { StreamNode } from '../../../src/graph/stream-node.ts';
import { InvalidJobGraphError, InvalidOptionError, StreamEnvironment } from '../../../src/index.ts';

function graphOf(env: StreamEnvironment) {
  return buildJobGraph(env.nodes, env.graphOptions());
}

describe('job graph validation', () => {
  it('rejects parallelism 0 and other bad options, naming the option', () => {
    expect(() => new StreamEnvironment({ parallelism: 0 })).toThrow(
      /parallelism must be a positive integer, got 0/,
    );
    expect(() => new StreamEnvironment({ maxParallelism: 0 })).toThrow(InvalidOptionError);
    expect(() => new StreamEnvironment({ ringCapacity: 1000 })).toThrow(/ringCapacity/);
    expect(() => new StreamEnvironment({ bufferTimeoutMs: -1 })).toThrow(/bufferTimeoutMs/);
    expect(() => new StreamEnvironment({ localAggregationMs: Number.NaN })).toThrow(/localAggregationMs/);
    expect(new StreamEnvironment({ localAggregationMs: 5 }).options.localAggregationMs).toBe(5);
    expect(new StreamEnvironment({}).options.localAggregationMs).toBeNull();
    const env = new StreamEnvironment({ parallelism: 2 });
    expect(() =>
      env
        .fromArray([1])
        .map((x) => x)
        .setParallelism(0),
    ).toThrow(/parallelism must be a positive integer, got 0/);
    expect(() => env.fromSequence(0, 10, { ratePerSecond: 0 })).toThrow(/ratePerSecond/);
    // `to` is inclusive (as in Flink): from - 1 is the empty sequence, anything lower an error.
    expect(() => env.fromSequence(5, 3)).toThrow(/to must be a safe integer >= 4, or omitted, got 3/);
    expect(() => env.fromSequence(5, 4)).not.toThrow();
    expect(() => env.fromGenerator((n) => n, { count: -1 })).toThrow(/count must be a safe integer >= 0/);
    expect(() => env.fromArray([1]).map(42 as never)).toThrow(/map function must be a function/);
  });

  it('runs batch jobs by stages unless periodic checkpoints are on, and refuses contradicting options', () => {
    expect(new StreamEnvironment({ runtimeMode: 'batch' }).options.batchShuffleMode).toBe('blocking');
    const checkpointed = new StreamEnvironment({ runtimeMode: 'batch', checkpointing: { intervalMs: 100 } });
    expect(checkpointed.options.batchShuffleMode).toBe('pipelined');
    expect(new StreamEnvironment({}).options.batchShuffleMode).toBe('pipelined');
    expect(() => new StreamEnvironment({ batchShuffleMode: 'blocking' })).toThrow(
      /batchShuffleMode must be "pipelined" unless runtimeMode is "batch"/,
    );
    const blocking = new StreamEnvironment({ runtimeMode: 'batch', batchShuffleMode: 'blocking' });
    expect(() => blocking.enableCheckpointing(100)).toThrow(/periodic checkpoints/);
    expect(
      () => new StreamEnvironment({ runtimeMode: 'batch', batchShuffleMode: 'staged' as 'blocking' }),
    ).toThrow(/"blocking" or "pipelined"/);
    expect(() => new StreamEnvironment({ partitionDirectory: '' })).toThrow(InvalidOptionError);
  });

  it('rejects an unbounded source in batch mode, naming it', () => {
    const env = new StreamEnvironment({ parallelism: 1, runtimeMode: 'batch' });
    env.fromArray([1, 2]).discard();
    env.fromSequence(0).uid('forever').discard();
    expect(() => graphOf(env)).toThrow(/source "fromSequence" \(uid "forever"\) never ends/);
    const bounded = new StreamEnvironment({ parallelism: 1, runtimeMode: 'batch' });
    bounded.fromGenerator((n) => n, { count: 3 }).discard();
    expect(() => graphOf(bounded)).not.toThrow();
    const streaming = new StreamEnvironment({ parallelism: 1 });
    streaming.fromSequence(0).discard();
    expect(() => graphOf(streaming)).not.toThrow();
  });

  it('rejects keyBy on a field that the source elements lack', () => {
    const env = new StreamEnvironment({ parallelism: 1 });
    const stream = env.fromArray([{ word: 'a' }, { wrd: 'b' }] as Array<{ word: string }>);
    expect(() => stream.keyBy('word')).toThrow(InvalidJobGraphError);
    expect(() => stream.keyBy('word')).toThrow(/keyBy field "word"/);
  });

  it('rejects a job without source or without sink', () => {
    expect(() => graphOf(new StreamEnvironment({ parallelism: 1 }))).toThrow(/no source/);
    const env = new StreamEnvironment({ parallelism: 1 });
    env.fromArray([1, 2]).map((x) => x);
    expect(() => graphOf(env)).toThrow(/no sink/);
  });

  it('rejects a sink used as the input of another operator', () => {
    const env = new StreamEnvironment({ parallelism: 1 });
    const sink = env.fromArray([1]).discard() as unknown as {
      map: (f: (x: never) => unknown) => { discard(): void };
    };
    expect(() => sink.map((x) => x)).toThrow(/sink "discard" cannot feed/);
  });

  it('rejects a cycle, naming an operator on it', () => {
    const a = new StreamNode({ id: 0, kind: 'map', role: 'operator', name: 'a', inputs: [] });
    const b = new StreamNode({
      id: 1,
      kind: 'map',
      role: 'operator',
      name: 'b',
      inputs: [{ node: a, partitioner: null }],
    });
    (a.inputs as Array<{ node: StreamNode; partitioner: null }>).push({ node: b, partitioner: null });
    expect(() => topologicalOrder([a, b])).toThrow(/cycle through operator "(a|b)"/);
  });

  it('rejects a forward edge between different parallelisms and duplicate uids', () => {
    const env = new StreamEnvironment({ parallelism: 2 });
    env
      .fromArray([1])
      .forward()
      .map((x) => x)
      .setParallelism(3)
      .discard();
    expect(() => graphOf(env)).toThrow(/forward edge .* needs equal parallelism/);
    const env2 = new StreamEnvironment({ parallelism: 1 });
    env2
      .fromArray([1])
      .map((x) => x)
      .uid('same')
      .map((x) => x)
      .uid('same')
      .discard();
    expect(() => graphOf(env2)).toThrow(/share the uid "same"/);
  });

  it('rejects a keyed operator above max parallelism', () => {
    const env = new StreamEnvironment({ parallelism: 1, maxParallelism: 4 });
    env
      .fromArray([{ k: 1 }])
      .keyBy('k')
      .sum('k')
      .setParallelism(8)
      .discard();
    expect(() => graphOf(env)).toThrow(/above the max parallelism 4/);
  });
});

describe('chaining', () => {
  it('chains forward operators of equal parallelism and splits at keyBy, rebalance and parallelism changes', () => {
    const env = new StreamEnvironment({ parallelism: 2 });
    env
      .fromArray([{ k: 'a', v: 1 }])
      .map((x) => x)
      .filter(() => true)
      .keyBy('k')
      .sum('v')
      .map((x) => x)
      .rebalance()
      .map((x) => x)
      .setParallelism(1)
      .discard()
      .setParallelism(1);
    const graph = graphOf(env);
    expect(graph.vertices.map((v) => v.nodes.map((n) => n.kind))).toEqual([
      ['fromArray', 'map', 'filter'],
      ['keyed-sum', 'map'],
      ['map', 'discard'],
    ]);
    expect(graph.edges.map((e) => e.partitioner.kind)).toEqual(['hash', 'rebalance']);
  });

  it('does not chain when chaining is off or disabled for an operator', () => {
    const env = new StreamEnvironment({ parallelism: 2, chaining: false });
    env
      .fromArray([1])
      .map((x) => x)
      .discard();
    expect(graphOf(env).vertices).toHaveLength(3);
    const env2 = new StreamEnvironment({ parallelism: 2 });
    env2
      .fromArray([1])
      .map((x) => x)
      .disableChaining()
      .discard();
    expect(graphOf(env2).vertices.map((v) => v.nodes.length)).toEqual([1, 2]);
  });

  it('derives the same uids every time the same job is declared', () => {
    const declare = () => {
      const env = new StreamEnvironment({ parallelism: 1 });
      env
        .fromSequence(0, 5)
        .map((x) => x)
        .keyBy((x) => x % 2)
        .reduce((a, b) => a + b)
        .print();
      return env.nodes.map((n) => n.resolvedUid);
    };
    expect(declare()).toEqual(declare());
    expect(declare()).toEqual(['fromSequence-0', 'map-1', 'keyed-reduce-2', 'print-3']);
  });
});
