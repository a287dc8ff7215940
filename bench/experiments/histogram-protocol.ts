/**
 * The messages between the main thread and the latency-recording sink subtasks, on a
 * `BroadcastChannel` named in the job's arguments: the main thread asks every sink subtask to start
 * a measurement window (reset its histograms) and to report (send them, encoded); each subtask
 * answers with its index. A BroadcastChannel reaches every thread of the process without going
 * through the engine, and a subtask's worker handles it between records (the task loop yields to the
 * event loop every few ms), so no engine hook is needed.
 */

import type { EncodedLatencies } from './latency-recorder.ts';

/** Main thread → every sink subtask. */
export type HistogramRequest =
  | { readonly type: 'reset'; readonly window: number }
  | { readonly type: 'report'; readonly window: number };

/** Sink subtask → main thread. */
export type HistogramReply =
  | { readonly type: 'reset-done'; readonly window: number; readonly subtask: number }
  | {
      readonly type: 'histograms';
      readonly window: number;
      readonly subtask: number;
      /** The subtask's histograms: end to end, in pipeline, and per stage. */
      readonly latencies: EncodedLatencies;
    };

/** Whether `message` is a request (sinks ignore each other's replies on the shared channel). */
export function isRequest(message: unknown): message is HistogramRequest {
  const type = (message as { type?: unknown } | null)?.type;
  return type === 'reset' || type === 'report';
}
