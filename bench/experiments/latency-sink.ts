/**
 * The sink of the experiment job: records every record's latency at arrival into HDR histograms
 * (end-to-end from the scheduled creation time, pipeline-only from the source's emission, and per
 * stage: see {@link LatencyRecorder}), optionally burns `sinkDelayMicros` per record (a slow sink), and answers the main
 * thread's requests on the BroadcastChannel (see histogram-protocol.ts). Memory is constant: five
 * histograms per subtask, whatever the number of records.
 *
 * Thread: a sink subtask's worker; the channel is opened with the first record, when the subtask
 * index is known. Records before the first `reset` are warm-up and are recorded but discarded by it.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { monotonicMicros, type RuntimeContext } from '../../src/index.ts';
import { type HistogramReply, type HistogramRequest, isRequest } from './histogram-protocol.ts';
import type { TakenRecord } from './job-args.ts';
import { LatencyRecorder } from './latency-recorder.ts';

/** The sink function for `sinkTo`. */
export function latencySink(
  channelName: string,
  sinkDelayMicros: number,
): (record: TakenRecord, context: RuntimeContext) => void {
  const latencies = new LatencyRecorder();
  let channel: BroadcastChannel | undefined;
  // The window the histograms belong to: a repeated reset of the same window (the main thread
  // repeats requests until every subtask answered) must not reset again once records are measured.
  let window = 0;

  const open = (subtask: number): void => {
    const ch = new BroadcastChannel(channelName);
    ch.unref();
    ch.onmessage = (event) => {
      const request = (event as MessageEvent).data as unknown;
      if (!isRequest(request)) return;
      ch.postMessage(answer(request, subtask));
    };
    channel = ch;
  };

  const answer = (request: HistogramRequest, subtask: number): HistogramReply => {
    if (request.type === 'reset') {
      if (request.window > window) {
        window = request.window;
        latencies.reset();
      }
      return { type: 'reset-done', window: request.window, subtask };
    }
    return {
      type: 'histograms',
      window: request.window,
      subtask,
      latencies: latencies.encode(),
    };
  };

  return (record, context) => {
    if (channel === undefined) open(context.subtaskIndex);
    const now = monotonicMicros();
    latencies.record(record, now);
    if (sinkDelayMicros > 0) {
      const until = now + sinkDelayMicros;
      while (monotonicMicros() < until) {
        // A slow sink: busy work, so that the subtask really is occupied (as an external call is not).
      }
    }
  };
}
