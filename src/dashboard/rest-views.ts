/**
 * The JSON documents of the dashboard's REST API, shaped after Flink's REST API where it has a
 * counterpart (`/jobs/<id>`: `jid`, `name`, `state`, `start-time`, `vertices`, `plan`;
 * `/jobs/<id>/checkpoints`: `counts`, `summary`, `latest`, `history`; `/jobs/<id>/exceptions`:
 * `exceptionHistory.entries`; `/jobs/<id>/config`: `execution-config`), with weir's own records
 * inside (`docs/dashboard.md` lists every field). Pure functions of what a {@link JobObserver} holds.
 */
import type { PlanVertex } from '../graph/job-plan.ts';
import type { JobObserver, SampledSubtask } from './job-observer.ts';
import {
  type BackpressureLevel,
  backpressureLevel,
  type TaskMetrics,
  vertexMetrics,
} from './subtask-rates.ts';

/** A vertex of `/jobs/<id>`: its plan entry, status counts of its subtasks, and its metrics. */
export interface VertexView extends PlanVertex {
  readonly metrics: TaskMetrics;
  readonly backpressureLevel: BackpressureLevel;
  /** Its subtasks by state (`running`, `finishing`, ...). */
  readonly tasks: Readonly<Record<string, number>>;
}

/** `/jobs`: every job the server shows. */
export function jobsView(observers: Iterable<JobObserver>): object {
  return {
    jobs: [...observers].map((o) => ({ id: o.job.jobId, name: o.job.jobName, status: o.job.status })),
  };
}

/** `/jobs/<id>`: the job, its vertices with their metrics, and its plan. */
export function jobView(observer: JobObserver): object {
  const { job } = observer;
  const progress = job.progress();
  const plan = job.plan();
  const now = observer.endTime ?? Date.now();
  return {
    jid: job.jobId,
    name: job.jobName,
    state: job.status,
    'start-time': observer.startTime,
    'end-time': observer.endTime ?? -1,
    duration: now - observer.startTime,
    now,
    attempt: progress.attempt,
    restarts: Math.max(0, progress.attempt - 1),
    subtasks: progress.subtasks,
    vertices: plan.vertices.map((vertex) => vertexSummary(vertex, observer.subtasks())),
    plan,
  };
}

/** `/jobs/<id>/vertices/<vid>`: one vertex and each of its subtasks; undefined for an unknown id. */
export function vertexView(observer: JobObserver, vertexId: string): object | undefined {
  const vertex = observer.job.plan().vertices.find((v) => v.id === vertexId);
  if (vertex === undefined) return undefined;
  const subtasks = observer.subtasks().filter((s) => s.vertexId === vertexId);
  return {
    ...vertexSummary(vertex, observer.subtasks()),
    now: Date.now(),
    subtasks: subtasks.map((s) => ({
      subtask: s.subtask,
      status: s.state,
      metrics: s.metrics,
      backpressureLevel: backpressureLevel(s.metrics.backPressuredTimeMsPerSecond),
    })),
  };
}

/** `/jobs/<id>/checkpoints`: Flink's checkpoint statistics, the full history seen, and the chart's series. */
export function checkpointsView(observer: JobObserver): object {
  const stats = observer.job.checkpointStats();
  const restored = observer.restored();
  const latestRestored = restored.latest?.checkpoint;
  return {
    counts: { ...stats.counts, restored: restored.count, total: stats.counts.triggered },
    summary: stats.summary,
    latest: {
      completed: stats.latestCompleted ?? null,
      savepoint: stats.latestSavepoint ?? null,
      failed: stats.latestFailed ?? null,
      restored:
        latestRestored === undefined || restored.latest === undefined
          ? null
          : {
              id: latestRestored.checkpointId,
              is_savepoint: latestRestored.savepoint,
              restore_timestamp: restored.latest.timestamp,
              external_path: latestRestored.pointer,
              attempt: restored.latest.attempt,
            },
    },
    history: observer.checkpointHistory(),
    series: observer.checkpointPoints(),
  };
}

/** `/jobs/<id>/checkpoints/details/<cid>`: one checkpoint with its subtasks' acknowledgements. */
export function checkpointDetailsView(observer: JobObserver, checkpointId: number): object | undefined {
  return observer.checkpointHistory().find((c) => c.checkpointId === checkpointId);
}

/** `/jobs/<id>/exceptions`: every failure, newest first, with the restart decision and the restore. */
export function exceptionsView(observer: JobObserver): object {
  const { entries, truncated } = observer.exceptions();
  return { exceptionHistory: { entries: [...entries].reverse(), truncated } };
}

/** `/jobs/<id>/config`: the resolved configuration. */
export function configView(observer: JobObserver): object {
  const { job } = observer;
  return { jid: job.jobId, name: job.jobName, 'execution-config': job.configuration() };
}

function vertexSummary(vertex: PlanVertex, sampled: readonly SampledSubtask[]): VertexView {
  const subtasks = sampled.filter((s) => s.vertexId === vertex.id);
  const metrics = vertexMetrics(subtasks.map((s) => s.metrics));
  const tasks: Record<string, number> = {};
  for (const s of subtasks) tasks[s.state] = (tasks[s.state] ?? 0) + 1;
  return {
    ...vertex,
    metrics,
    backpressureLevel: backpressureLevel(metrics.backPressuredTimeMsPerSecond),
    tasks,
  };
}
