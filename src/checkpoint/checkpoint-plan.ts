/**
 * The job as the checkpoint coordinator sees it: its vertices (chains of operators fused into one
 * worker per subtask), their parallelism and operator uids. From them follow the tasks that must
 * acknowledge every checkpoint (every subtask of every vertex) and what a valid acknowledgement
 * from each task may contain. Validated once, when the coordinator is built.
 */
import { InvalidOptionError } from '../errors.ts';
import type { CheckpointAck, TaskId } from './messages.ts';
import { isChecksum, isHandlePath, isSharedKeyedList, STATE_KINDS } from './storage/state-handle.ts';

/** Default number of key groups (Flink's default max parallelism for small jobs). */
export const DEFAULT_MAX_PARALLELISM = 128;

/** One job vertex: a chain of operators run by `parallelism` subtasks. */
export interface VertexSpec {
  readonly vertexId: string;
  readonly parallelism: number;
  /** Key groups of its keyed state; default {@link DEFAULT_MAX_PARALLELISM}. */
  readonly maxParallelism?: number;
  /** Stable uids of the chain's operators, head first; unique within the job. */
  readonly operatorUids: readonly string[];
}

/** A vertex with every default filled in. */
export interface ResolvedVertex {
  readonly vertexId: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly operatorUids: readonly string[];
}

/** Validates the job's vertices, naming the offending option. */
export function resolveVertices(vertices: readonly VertexSpec[]): ResolvedVertex[] {
  if (!Array.isArray(vertices) || vertices.length === 0)
    throw new InvalidOptionError('vertices', 'a non-empty array of job vertices', vertices);
  const ids = new Set<string>();
  const uids = new Set<string>();
  return vertices.map((v, i) => {
    const at = `vertices[${i}]`;
    if (typeof v.vertexId !== 'string' || v.vertexId.length === 0 || ids.has(v.vertexId))
      throw new InvalidOptionError(`${at}.vertexId`, 'a non-empty string unique in the job', v.vertexId);
    ids.add(v.vertexId);
    if (!Number.isSafeInteger(v.parallelism) || v.parallelism < 1)
      throw new InvalidOptionError(`${at}.parallelism`, 'a positive integer', v.parallelism);
    const maxParallelism = v.maxParallelism ?? DEFAULT_MAX_PARALLELISM;
    if (!Number.isSafeInteger(maxParallelism) || maxParallelism < v.parallelism)
      throw new InvalidOptionError(
        `${at}.maxParallelism`,
        `an integer ≥ parallelism (${v.parallelism})`,
        maxParallelism,
      );
    if (!Array.isArray(v.operatorUids) || v.operatorUids.length === 0)
      throw new InvalidOptionError(
        `${at}.operatorUids`,
        'a non-empty array of operator uids',
        v.operatorUids,
      );
    for (const uid of v.operatorUids) {
      if (typeof uid !== 'string' || uid.length === 0 || uids.has(uid))
        throw new InvalidOptionError(`${at}.operatorUids`, 'non-empty uids, unique in the job', uid);
      uids.add(uid);
    }
    return {
      vertexId: v.vertexId,
      parallelism: v.parallelism,
      maxParallelism,
      operatorUids: [...v.operatorUids],
    };
  });
}

/** Every subtask of every vertex: the tasks that acknowledge a checkpoint. */
export function tasksOf(vertices: readonly ResolvedVertex[]): TaskId[] {
  const tasks: TaskId[] = [];
  for (const v of vertices)
    for (let s = 0; s < v.parallelism; s++) tasks.push({ vertexId: v.vertexId, subtask: s });
  return tasks;
}

/**
 * What is wrong with an acknowledgement from a task of `vertex`, or `undefined` if nothing: each
 * operator must belong to the vertex and appear once, handles must be well-formed, metrics numbers.
 */
export function problemWithAck(ack: CheckpointAck, vertex: ResolvedVertex): string | undefined {
  if (!Array.isArray(ack.operators)) return 'operators is not an array';
  const seen = new Set<string>();
  for (const op of ack.operators) {
    if (typeof op !== 'object' || op === null) return 'an operator entry is not an object';
    if (!vertex.operatorUids.includes(op.operatorUid))
      return `operator ${String(op.operatorUid)} is not part of vertex ${vertex.vertexId}`;
    if (seen.has(op.operatorUid)) return `operator ${op.operatorUid} is listed twice`;
    seen.add(op.operatorUid);
    for (const kind of STATE_KINDS) {
      const h = op[kind] as unknown;
      if (h !== undefined && !isValidHandle(h))
        return `the ${kind} state handle of ${op.operatorUid} is malformed`;
    }
    if (!isSharedKeyedList(op.keyedShared, isValidHandle))
      return `the shared keyed state of ${op.operatorUid} is malformed`;
  }
  const m = ack.metrics as unknown as Record<string, unknown> | undefined;
  for (const key of [
    'syncDurationMs',
    'asyncDurationMs',
    'alignmentDurationMs',
    'startDelayMs',
    'stateBytes',
  ]) {
    const value = m?.[key];
    if (typeof value !== 'number' || !(value >= 0)) return `metrics.${key} is not a number ≥ 0`;
  }
  for (const key of ['checkpointedBytes', 'sourceRecords']) {
    const value = m?.[key];
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0)))
      return `metrics.${key} is not a number ≥ 0`;
  }
  return undefined;
}

function isValidHandle(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as Record<string, unknown>;
  const bytes = h['bytes'];
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0 || !isChecksum(h['checksum']))
    return false;
  if (h['kind'] === 'inline') return h['data'] instanceof Uint8Array;
  return h['kind'] === 'file' && isHandlePath(h['path']);
}
