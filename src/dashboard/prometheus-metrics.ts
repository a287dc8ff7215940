/**
 * `/metrics`: the jobs' metrics in the Prometheus text format through prom-client, named as Flink's
 * Prometheus reporter names them (`flink_taskmanager_job_task_numRecordsIn` becomes
 * `weir_task_numRecordsIn`, `flink_jobmanager_job_numRestarts` becomes `weir_job_numRestarts`),
 * labelled by job (name and id), vertex and subtask. Values are read from the observers when
 * Prometheus scrapes, never pushed: nothing here runs between scrapes. Counters reset when a
 * restart redeploys the subtasks, so they are exported as gauges, as Flink's reporter does.
 */
import type { Gauge, Registry } from 'prom-client';
import type { JobObserver } from './job-observer.ts';
import type { TaskMetrics } from './subtask-rates.ts';

type PromClient = typeof import('prom-client');

/** Task metrics, per subtask: name, help. */
const TASK_METRICS: readonly (readonly [keyof TaskMetrics, string])[] = [
  ['numRecordsIn', 'Records the subtask received in the current attempt'],
  ['numRecordsOut', 'Records the subtask sent downstream in the current attempt'],
  ['numRecordsInPerSecond', 'Records received per second'],
  ['numRecordsOutPerSecond', 'Records sent per second'],
  ['busyTimeMsPerSecond', 'Milliseconds per second the subtask was busy (neither idle nor back-pressured)'],
  ['idleTimeMsPerSecond', 'Milliseconds per second the subtask waited for input'],
  [
    'backPressuredTimeMsPerSecond',
    'Milliseconds per second the subtask waited for space in full output rings',
  ],
  ['numBytesIn', 'Bytes of record frames the subtask read from its input channels in the current attempt'],
  ['numBytesOut', 'Bytes of frames the subtask wrote to its output channels in the current attempt'],
  ['numBytesInPerSecond', 'Bytes read per second'],
  ['numBytesOutPerSecond', 'Bytes written per second'],
  [
    'currentInputWatermark',
    "Event time (ms) the subtask's inputs reached, combined; absent before the first watermark",
  ],
  ['currentOutputWatermark', 'The last watermark (ms) the subtask sent downstream; absent before the first'],
];

/** Job metrics: name, help, value. */
const JOB_METRICS: readonly (readonly [string, string, (o: JobObserver) => number])[] = [
  ['numRestarts', 'Restarts of the job', (o) => Math.max(0, o.job.progress().attempt - 1)],
  [
    'uptime',
    'Milliseconds since the job started (0 once it ended)',
    (o) => (o.endTime ? 0 : Date.now() - o.startTime),
  ],
  ['totalNumberOfCheckpoints', 'Checkpoints triggered', (o) => o.job.checkpointStats().counts.triggered],
  [
    'numberOfInProgressCheckpoints',
    'Checkpoints in progress',
    (o) => o.job.checkpointStats().counts.inProgress,
  ],
  ['numberOfCompletedCheckpoints', 'Checkpoints completed', (o) => o.job.checkpointStats().counts.completed],
  ['numberOfFailedCheckpoints', 'Checkpoints failed', (o) => o.job.checkpointStats().counts.failed],
  [
    'lastCheckpointDuration',
    'Duration of the latest completed checkpoint, ms',
    (o) => latest(o)?.durationMs ?? -1,
  ],
  [
    'lastCheckpointSize',
    'Bytes the latest completed checkpoint wrote',
    (o) => latest(o)?.checkpointedBytes ?? -1,
  ],
  [
    'lastCheckpointFullSize',
    'Bytes of state the latest completed checkpoint refers to',
    (o) => latest(o)?.stateBytes ?? -1,
  ],
  [
    'lastCheckpointRestoreTimestamp',
    'When the latest restore started, ms since the epoch',
    (o) => o.restored().latest?.timestamp ?? -1,
  ],
];

const latest = (o: JobObserver) => o.job.checkpointStats().latestCompleted;

/** A registry of its own (never prom-client's global one) over `observers`, read at each scrape. */
export function createMetricsRegistry(
  promClient: PromClient,
  observers: () => Iterable<JobObserver>,
): Registry {
  const registry = new promClient.Registry();
  const jobLabels = ['job', 'job_id'] as const;
  for (const [name, help, value] of JOB_METRICS) {
    new promClient.Gauge({
      name: `weir_job_${name}`,
      help,
      labelNames: jobLabels,
      registers: [registry],
      collect(this: Gauge<'job' | 'job_id'>) {
        this.reset();
        for (const o of observers()) this.set({ job: o.job.jobName, job_id: o.job.jobId }, value(o));
      },
    });
  }
  const taskLabels = ['job', 'job_id', 'vertex', 'vertex_name', 'subtask'] as const;
  type TaskLabel = (typeof taskLabels)[number];
  for (const [name, help] of TASK_METRICS) {
    new promClient.Gauge({
      name: `weir_task_${name}`,
      help,
      labelNames: taskLabels,
      registers: [registry],
      collect(this: Gauge<TaskLabel>) {
        this.reset();
        for (const o of observers()) {
          const names = new Map(o.job.plan().vertices.map((v) => [v.id, v.name]));
          for (const s of o.subtasks()) {
            const labels = {
              job: o.job.jobName,
              job_id: o.job.jobId,
              vertex: s.vertexId,
              vertex_name: names.get(s.vertexId) ?? s.vertexId,
              subtask: String(s.subtask),
            };
            const value = s.metrics[name];
            if (value !== undefined) this.set(labels, value);
          }
        }
      },
    });
  }
  return registry;
}
