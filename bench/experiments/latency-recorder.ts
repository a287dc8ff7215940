/**
 * The latency histograms of one sink (a weir sink subtask or the Node.js peer's sink stage): end to
 * end (from the scheduled creation), in pipeline (from the source's emission), and one histogram per
 * {@link LatencyStage}, so that a report can say where the time goes. Constant memory whatever the
 * number of records; encoded for the trip to the main thread and merged there.
 *
 * Recording into an HDR histogram is not free (hdr-histogram-js: ~0.1 µs per value, a quarter of a
 * keyed subtask's time at saturation with two histograms), so the stages are recorded for one record
 * in {@link STAGE_SAMPLE_EVERY}: thousands of samples per window still, at a fraction of the cost.
 *
 * Thread: the recording sink's thread; `merge` on the main thread.
 */
import { LatencyHistogram } from '../../src/index.ts';
import { LATENCY_STAGES, type LatencyStage, type TakenRecord } from './job-args.ts';

/** The histograms of a recorder in HdrHistogram's compressed base64 encoding. */
export interface EncodedLatencies {
  readonly endToEnd: string;
  readonly pipeline: string;
  readonly stages: { readonly [S in LatencyStage]: string };
  /** Records that arrived earlier than scheduled (recorded as 0). */
  readonly clamped: number;
}

/** Decoded histograms, merged over sinks. */
export interface Latencies {
  readonly endToEnd: LatencyHistogram;
  readonly pipeline: LatencyHistogram;
  readonly stages: { readonly [S in LatencyStage]: LatencyHistogram };
  readonly clamped: number;
}

/** Stages are recorded for every this many records (end to end and in pipeline: every record). */
export const STAGE_SAMPLE_EVERY = 8;

export class LatencyRecorder implements Latencies {
  readonly endToEnd = new LatencyHistogram();
  readonly pipeline = new LatencyHistogram();
  readonly stages = {
    source: new LatencyHistogram(),
    channel: new LatencyHistogram(),
    task: new LatencyHistogram(),
  };
  #sinceSample = 0;

  get clamped(): number {
    return this.endToEnd.clamped;
  }

  /** Records `record`, arriving at `now` (µs on `monotonicMicros`). */
  record(record: TakenRecord, now: number): void {
    const [, scheduled, emitted, taken] = record;
    this.endToEnd.record(now - scheduled);
    this.pipeline.record(now - emitted);
    if (++this.#sinceSample < STAGE_SAMPLE_EVERY) return;
    this.#sinceSample = 0;
    this.stages.source.record(emitted - scheduled);
    this.stages.channel.record(taken - emitted);
    this.stages.task.record(now - taken);
  }

  reset(): void {
    this.endToEnd.reset();
    this.pipeline.reset();
    for (const stage of LATENCY_STAGES) this.stages[stage].reset();
  }

  encode(): EncodedLatencies {
    return {
      endToEnd: this.endToEnd.encode(),
      pipeline: this.pipeline.encode(),
      stages: {
        source: this.stages.source.encode(),
        channel: this.stages.channel.encode(),
        task: this.stages.task.encode(),
      },
      clamped: this.clamped,
    };
  }

  /** Decodes and merges the histograms of several recorders. */
  static merge(parts: readonly EncodedLatencies[]): Latencies {
    const merged = (pick: (p: EncodedLatencies) => string): LatencyHistogram =>
      LatencyHistogram.merge(parts.map((p) => LatencyHistogram.decode(pick(p))));
    return {
      endToEnd: merged((p) => p.endToEnd),
      pipeline: merged((p) => p.pipeline),
      stages: {
        source: merged((p) => p.stages.source),
        channel: merged((p) => p.stages.channel),
        task: merged((p) => p.stages.task),
      },
      clamped: parts.reduce((sum, p) => sum + p.clamped, 0),
    };
  }
}
