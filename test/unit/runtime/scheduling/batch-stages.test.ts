// Across attempts, a batch job by stages remembers which vertices finished and deletes a vertex's
// partition files once every vertex reading them has finished, not before.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildJobGraph, type JobVertex } from '../../../../src/graph/job-graph.ts';
import { StreamEnvironment } from '../../../../src/index.ts';
import { partitionChannels, planDeployment } from '../../../../src/runtime/deployment.ts';
import { BatchStages } from '../../../../src/runtime/scheduling/batch-stages.ts';

const root = mkdtempSync(join(tmpdir(), 'weir-batch-stages-unit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Vertices: numbers (p2) -> keyed sum + collect (p2); numbers -> double (p1) -> discard (p2). */
function graph() {
  const env = new StreamEnvironment({ parallelism: 2, runtimeMode: 'batch' });
  const numbers = env.fromSequence(0, 9).uid('numbers');
  numbers
    .keyBy((n) => n % 3)
    .reduce((a, b) => a + b)
    .uid('sum')
    .collect({ uid: 'sums' });
  numbers
    .rebalance()
    .map((n) => n * 2)
    .uid('double')
    .setParallelism(1)
    .discard();
  return buildJobGraph(env.nodes, env.graphOptions());
}

describe('BatchStages', () => {
  it("deletes a vertex's partitions when the last vertex reading them finishes, and everything at the end", () => {
    const g = graph();
    const stages = new BatchStages(root);
    const byId = new Map(g.vertices.map((v) => [v.id, v]));
    const [source, sum, double, discard] = ['numbers', 'sum', 'double', 'discard-4'].map((id) =>
      byId.get(id),
    );
    expect(g.vertices).toHaveLength(4);
    // Every partition file the plan names, written as the producers would.
    expect(stages.beginAttempt()).toBe(1);
    const partitions = { directory: stages.directory, attemptOf: (v: JobVertex) => stages.attemptOf(v) };
    const paths = planDeployment(g, partitionChannels(partitions, 4096)).flatMap((plan) =>
      plan.outputs.flatMap((o) => o.channels.map((c) => ('path' in c ? c.path : ''))),
    );
    // numbers -> sum 2 x 2, numbers -> double 2 x 1, double -> discard 1 x 2.
    expect(paths).toHaveLength(8);
    for (const path of paths) writeFileSync(path, '');

    stages.markFinished(source!, [10]);
    expect(readdirSync(stages.directory)).toHaveLength(8);
    stages.markFinished(sum!, [10, 3]);
    expect(stages.isFinished(sum!)).toBe(true);
    expect(stages.isFinished(double!)).toBe(false);
    // "double" still has to read the source's files.
    expect(readdirSync(stages.directory)).toHaveLength(8);
    stages.markFinished(double!, [10]);
    expect(readdirSync(stages.directory)).toHaveLength(2);
    stages.markFinished(discard!, [10]);
    expect(readdirSync(stages.directory)).toEqual([]);
    expect(stages.countsOf(sum!)).toEqual([10, 3]);

    stages.dispose();
    expect(existsSync(stages.directory)).toBe(false);
  });

  it('names files by the attempt that wrote them, and sends producers back when a consumer cannot read them', () => {
    const g = graph();
    const stages = new BatchStages(root);
    const byId = new Map(g.vertices.map((v) => [v.id, v]));
    const [source, sum, double, discard] = ['numbers', 'sum', 'double', 'discard-4'].map(
      (id) => byId.get(id)!,
    );
    stages.beginAttempt();
    stages.markFinished(source!, [10]);
    stages.markFinished(sum!, [10, 3]);
    stages.markFinished(double!, [10]); // every reader of the source finished: its files are gone
    // Attempt 2: the source's and double's outputs are read from attempt 1's files.
    expect(stages.beginAttempt()).toBe(2);
    expect(stages.attemptOf(double!)).toBe(1);
    expect(stages.attemptOf(discard!)).toBe(2);
    // discard finds double's file damaged: double runs again, and with its input deleted, the source too.
    stages.rerunInputsOf(discard!);
    expect([source, sum, double].map((v) => stages.isFinished(v!))).toEqual([false, true, false]);
    expect(stages.attemptOf(double!)).toBe(2);
    stages.dispose();
  });
});
