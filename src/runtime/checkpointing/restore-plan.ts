/**
 * Maps a completed checkpoint onto a job graph, possibly at another parallelism: which state
 * handles each new subtask restores. Keyed state goes by key group (every old subtask whose range
 * overlaps the new subtask's); operator state (source splits, sink transactions) is dealt out
 * round-robin, old subtask i to new subtask i mod p, or given whole to every new subtask for
 * operators with union operator state (sources sharing a split queue). State of an operator uid the job no longer has
 * is an error unless the caller allows dropping it.
 */
import type { CompletedCheckpoint } from '../../checkpoint/storage/checkpoint-storage.ts';
import type { SharedKeyedState, StateHandle } from '../../checkpoint/storage/state-handle.ts';
import type { JobGraph } from '../../graph/job-graph.ts';
import { keyGroupRangeForOperator } from '../../state/key-groups.ts';
import { StateMappingError } from '../errors.ts';
import type { OperatorRestore, SubtaskRestore } from '../protocol.ts';

/** Options of {@link planRestore}. */
export interface RestorePlanOptions {
  /** Skip state of operators the job no longer has, instead of failing (Flink's allowNonRestoredState). */
  readonly allowNonRestoredState?: boolean;
}

/** Restore state by subtask key `<vertexId>#<index>`. */
export function planRestore(
  checkpoint: CompletedCheckpoint,
  graph: JobGraph,
  options: RestorePlanOptions = {},
): Map<string, SubtaskRestore> {
  const byUid = new Map(checkpoint.metadata.operators.map((op) => [op.operatorUid, op]));
  const known = new Set(graph.vertices.flatMap((v) => v.nodes.map((n) => n.resolvedUid)));
  const orphans = [...byUid.values()].filter(
    (op) => !known.has(op.operatorUid) && op.subtasks.some(hasState),
  );
  if (orphans.length > 0 && !options.allowNonRestoredState) {
    throw new StateMappingError(
      `checkpoint ${checkpoint.checkpointId} holds state of operator uid(s) ${orphans.map((o) => `"${o.operatorUid}"`).join(', ')} ` +
        'that the job does not have; give the operators their old uids, or allow dropping that state (allowNonRestoredState)',
    );
  }
  const plan = new Map<string, SubtaskRestore>();
  for (const vertex of graph.vertices) {
    const keyedInput =
      vertex.inputs.length > 0 && vertex.inputs.every((edge) => edge.partitioner.kind === 'hash');
    for (let index = 0; index < vertex.parallelism; index++) {
      const operators: OperatorRestore[] = [];
      for (const node of vertex.nodes) {
        const entry = byUid.get(node.resolvedUid);
        if (!entry?.subtasks.some(hasState)) continue;
        if (entry.subtasks.some((s) => s.keyed) && entry.maxParallelism !== graph.maxParallelism) {
          throw new StateMappingError(
            `operator "${node.name}" (uid ${node.resolvedUid}) has keyed state written with max parallelism ` +
              `${entry.maxParallelism}, but the job runs with ${graph.maxParallelism}; key groups cannot be remapped`,
          );
        }
        const range = keyGroupRangeForOperator(graph.maxParallelism, vertex.parallelism, index);
        const keyed: StateHandle[] = [];
        const keyedShared: SharedKeyedState[] = [];
        const operator: StateHandle[] = [];
        const channel: StateHandle[] = [];
        for (const sub of entry.subtasks) {
          if (sub.keyed) {
            const old = keyGroupRangeForOperator(entry.maxParallelism, entry.parallelism, sub.subtask);
            if (old.start <= range.end && range.start <= old.end) {
              keyed.push(sub.keyed);
              if (sub.keyedShared !== undefined) keyedShared.push(...sub.keyedShared);
            }
          }
          if (sub.operator && (node.unionOperatorState || sub.subtask % vertex.parallelism === index))
            operator.push(sub.operator);
          if (sub.channel) {
            // In-flight records of a keyed input belong to key groups: every new subtask whose range
            // overlaps the old one's gets them (and keeps its own); others are dealt out.
            const old = keyGroupRangeForOperator(entry.maxParallelism, entry.parallelism, sub.subtask);
            const mine = keyedInput
              ? old.start <= range.end && range.start <= old.end
              : sub.subtask % vertex.parallelism === index;
            if (mine) channel.push(sub.channel);
          }
        }
        // Listed even when empty: a source whose splits all went to other subtasks reads nothing.
        operators.push({
          operatorUid: node.resolvedUid,
          keyed,
          ...(keyedShared.length > 0 ? { keyedShared } : {}),
          operator,
          channel,
        });
      }
      plan.set(`${vertex.id}#${index}`, {
        checkpointId: checkpoint.checkpointId,
        pointer: checkpoint.pointer,
        operators,
      });
    }
  }
  return plan;
}

function hasState(sub: { keyed?: StateHandle; operator?: StateHandle; channel?: StateHandle }): boolean {
  return sub.keyed !== undefined || sub.operator !== undefined || sub.channel !== undefined;
}

/**
 * A restart that found no completed checkpoint: every subtask starts from scratch but restores an
 * empty state, so that its operators know an attempt failed before (a sink then discards the
 * transactions it left behind).
 */
export function planFreshRestart(graph: JobGraph): Map<string, SubtaskRestore> {
  const plan = new Map<string, SubtaskRestore>();
  for (const vertex of graph.vertices)
    for (let index = 0; index < vertex.parallelism; index++)
      plan.set(`${vertex.id}#${index}`, { checkpointId: 0, pointer: '', operators: [] });
  return plan;
}
