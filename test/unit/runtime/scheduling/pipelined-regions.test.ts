// In a batch job by stages, only the exchanges right after a non-parallel source stay pipelined
// (rings); the others are files, and the job has a thread for every subtask of its largest region.
import { describe, expect, it } from 'vitest';
import { buildJobGraph } from '../../../../src/graph/job-graph.ts';
import { StreamEnvironment } from '../../../../src/index.ts';
import { planDeployment } from '../../../../src/runtime/deployment.ts';
import {
  pipelinedInStages,
  stagedChannels,
  stagedThreads,
} from '../../../../src/runtime/scheduling/pipelined-regions.ts';

/** fromIterable (p1) -> tokenise (p3) -> keyed count (p3); fromSequence (p3) -> map (p3) -> discard. */
function graph() {
  const env = new StreamEnvironment({ parallelism: 3, runtimeMode: 'batch' });
  env
    .fromIterable(['a b', 'c'])
    .flatMap((line: string) => line.split(' '))
    .uid('tokenise')
    .keyBy((w) => w)
    .count()
    .uid('count')
    .discard();
  env
    .fromSequence(0, 10)
    .rebalance()
    .map((n) => n)
    .discard();
  return buildJobGraph(env.nodes, env.graphOptions());
}

const partitions = { directory: '/nowhere', attemptOf: () => 1 };

describe('pipelined regions of a batch job by stages', () => {
  it('pipelines the exchange after a non-parallel source, and only that one', () => {
    const g = graph();
    const pipelined = g.edges.filter(pipelinedInStages).map((e) => `${e.source.id} -> ${e.target.id}`);
    expect(pipelined).toEqual(['fromIterable-0 -> tokenise']);
    const plans = planDeployment(g, stagedChannels(partitions, 4096));
    for (const plan of plans) {
      for (const output of plan.outputs) {
        const edge = g.edges[output.edgeIndex]!;
        for (const channel of output.channels)
          expect('path' in channel, `${edge.source.id} -> ${edge.target.id}`).toBe(!pipelinedInStages(edge));
      }
    }
  });

  it('asks for a thread per subtask of the largest region', () => {
    expect(stagedThreads(graph())).toBe(4);
  });
});
