/** The job lifecycle: re-exports only. */
export { IllegalStateTransitionError } from './errors.ts';
export {
  JobLifecycle,
  type JobLifecycleEvents,
  type JobLifecycleOptions,
  type JobStatusListener,
} from './job-lifecycle.ts';
export {
  canTransition,
  isTerminalStatus,
  JOB_STATUS_TRANSITIONS,
  JOB_STATUSES,
  type JobStatus,
} from './job-status.ts';
export { type EventMap, type ListenerErrorReporter, TypedEmitter } from './typed-emitter.ts';
