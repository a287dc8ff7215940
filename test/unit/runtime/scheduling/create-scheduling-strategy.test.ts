// A job's scheduling strategy is chosen once from its options: pipelined runs every subtask at once
// with checkpoints, staged runs a batch job vertex by vertex in a pool as wide as its widest vertex.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildJobGraph } from '../../../../src/graph/job-graph.ts';
import { StreamEnvironment } from '../../../../src/index.ts';
import { createSchedulingStrategy } from '../../../../src/runtime/scheduling/create-scheduling-strategy.ts';
import { PipelinedScheduling } from '../../../../src/runtime/scheduling/pipelined-scheduling.ts';
import { SMALL_SERIAL_SOURCE_RECORDS } from '../../../../src/runtime/scheduling/slot-sharing.ts';
import { StagedScheduling } from '../../../../src/runtime/scheduling/staged-scheduling.ts';

const root = mkdtempSync(join(tmpdir(), 'weir-scheduling-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Vertices: numbers (p3) -> keyed sum (p2) -> collect; 5 subtasks, the widest vertex has 3. */
function graph() {
  const env = new StreamEnvironment({ parallelism: 2, runtimeMode: 'batch' });
  env
    .fromSequence(0, 10)
    .uid('numbers')
    .setParallelism(3)
    .keyBy((n) => n % 3)
    .reduce((a, b) => a + b)
    .uid('sum')
    .collect({ uid: 'sums' });
  return buildJobGraph(env.nodes, env.graphOptions());
}

describe('createSchedulingStrategy', () => {
  it('chooses pipelined without stages: a thread per subtask, checkpoints possible', () => {
    const strategy = createSchedulingStrategy(graph(), 4096, undefined, false);
    expect(strategy).toBeInstanceOf(PipelinedScheduling);
    expect(strategy.placement.threads).toBe(5);
    expect(strategy.checkpoints).toBe(true);
  });

  it('chooses staged with stages: a thread per subtask of the widest vertex, no checkpoints', () => {
    const g = graph();
    const strategy = createSchedulingStrategy(g, 4096, { partitionDirectory: root }, false);
    expect(strategy).toBeInstanceOf(StagedScheduling);
    expect(strategy.placement.threads).toBe(3);
    expect(strategy.checkpoints).toBe(false);
    expect(strategy.finishedCounts(g.vertices[0]!)).toBeUndefined();
  });

  it('with thread sharing, places subtask i of every vertex in thread i of a pool as wide as the widest vertex', () => {
    for (const stages of [undefined, { partitionDirectory: root }]) {
      const g = graph();
      const { placement } = createSchedulingStrategy(g, 4096, stages, true);
      expect(placement.threads).toBe(3);
      const plan = (vertex: number, subtaskIndex: number) =>
        ({ vertex: g.vertices[vertex]!, subtaskIndex }) as Parameters<typeof placement.slotOf>[0];
      expect([0, 1, 2].map((i) => placement.slotOf(plan(0, i)))).toEqual([0, 1, 2]);
      expect([0, 1].map((i) => placement.slotOf(plan(1, i)))).toEqual([0, 1]);
    }
  });

  /** iterable (p1) -> map -> keyed reduce -> collect at p = 2, placed with sharing. */
  function serialSourceJob(iterable: Iterable<string> | (() => Iterable<string>)) {
    const env = new StreamEnvironment({ parallelism: 2 });
    env
      .fromIterable(iterable)
      .uid('words')
      .map((w) => w)
      .keyBy((w) => w)
      .reduce((a) => a)
      .collect({ uid: 'out' });
    const g = buildJobGraph(env.nodes, env.graphOptions());
    const { placement } = createSchedulingStrategy(g, 4096, undefined, true);
    const slot = (vertex: number, subtaskIndex: number) =>
      placement.slotOf({ vertex: g.vertices[vertex]!, subtaskIndex } as Parameters<
        typeof placement.slotOf
      >[0]);
    expect(g.vertices[0]!.parallelism).toBe(1);
    for (const vertex of g.vertices.slice(1))
      expect([0, 1].map((i) => slot(vertex.index, i))).toEqual([0, 1]);
    return { threads: placement.threads, sourceSlot: slot(0, 0) };
  }

  it('with thread sharing, gives a non-parallel source of unknown size a thread of its own', () => {
    expect(serialSourceJob(() => ['a', 'b'])).toEqual({ threads: 3, sourceSlot: 2 });
  });

  it('keeps a non-parallel source of a known small collection in slot 0, a large one apart', () => {
    const limit = SMALL_SERIAL_SOURCE_RECORDS;
    expect(serialSourceJob(['a', 'b'])).toEqual({ threads: 2, sourceSlot: 0 });
    expect(serialSourceJob(new Set(['a', 'b']))).toEqual({ threads: 2, sourceSlot: 0 });
    expect(serialSourceJob(Array.from({ length: limit }, String))).toEqual({ threads: 2, sourceSlot: 0 });
    expect(serialSourceJob(Array.from({ length: limit + 1 }, String))).toEqual({ threads: 3, sourceSlot: 2 });
  });

  it('makes the partition directory on open, not before, and removes it on dispose', () => {
    const strategy = createSchedulingStrategy(graph(), 4096, { partitionDirectory: root }, true);
    expect(() => strategy.schedule({} as Parameters<typeof strategy.schedule>[0])).toThrow(/before open/);
    strategy.open();
    const made = new Set(readdirSync(root).map((f) => join(root, f)));
    expect(made.size).toBe(1);
    strategy.dispose();
    for (const dir of made) expect(existsSync(dir)).toBe(false);
  });

  it('names the partition directory when it cannot be made', () => {
    const strategy = createSchedulingStrategy(
      graph(),
      4096,
      { partitionDirectory: join(root, 'no', '\0') },
      true,
    );
    expect(() => strategy.open()).toThrow(/partitionDirectory/);
  });
});
