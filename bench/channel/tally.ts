/**
 * The consumer side of the harness: counts and checksums every record, measures one-way latency in
 * latency phases, and reports each phase to the main thread when its last record arrives.
 *
 * Thread: the consumer (a bench worker or the piscina pool's worker).
 */
import type { EventLoopUtilization } from 'node:perf_hooks';
import { type ThreadTimes, threadTimes, threadTimesSince } from '../support/thread-cpu.ts';
import type { RecordSink } from './peer.ts';
import type { Phase } from './plan.ts';
import type { ConsumerReport } from './protocol.ts';
import { type BenchRecord, checksumStep, wallNow } from './records.ts';

/** Posts a report to the main thread, transferring `transfer`. */
export type ReportFn = (report: ConsumerReport, transfer: ArrayBuffer[]) => void;

export class Tally implements RecordSink {
  readonly #plan: readonly Phase[];
  readonly #report: ReportFn;
  #phase = 0;
  #target: number;
  #count = 0;
  #checksum = 0;
  #latencies: Float64Array | null;
  #elu: EventLoopUtilization | undefined;
  #times: ThreadTimes | undefined;

  constructor(plan: readonly Phase[], report: ReportFn) {
    this.#plan = plan;
    this.#report = report;
    this.#target = plan[0]?.records ?? 0;
    this.#latencies = this.#latencyBuffer();
  }

  add(record: BenchRecord): void {
    if (this.#count === 0) {
      if (this.#phase >= this.#plan.length) throw new Error('consumer received a record beyond the plan');
      this.#elu = performance.eventLoopUtilization();
      this.#times = threadTimes();
    }
    this.#checksum = checksumStep(this.#checksum, record);
    if (this.#latencies !== null) this.#latencies[this.#count] = wallNow() - record.ts;
    if (++this.#count === this.#target) this.#finish();
  }

  #finish(): void {
    const latencies = this.#latencies;
    this.#report(
      {
        type: 'consumed',
        phase: this.#phase,
        endedAt: wallNow(),
        count: this.#count,
        checksum: this.#checksum,
        latencies,
        utilization: performance.eventLoopUtilization(this.#elu).utilization,
        times: threadTimesSince(this.#times),
      },
      latencies === null ? [] : [latencies.buffer as ArrayBuffer],
    );
    this.#phase++;
    this.#count = 0;
    this.#checksum = 0;
    this.#target = this.#plan[this.#phase]?.records ?? 0;
    this.#latencies = this.#latencyBuffer();
  }

  #latencyBuffer(): Float64Array | null {
    const phase = this.#plan[this.#phase];
    return phase?.kind === 'latency' ? new Float64Array(phase.records) : null;
  }
}
