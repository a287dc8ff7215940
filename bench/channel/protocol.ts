/**
 * Messages between the benchmark's main thread and its producer and consumer threads, and the
 * workerData each thread starts with. Times are wall-clock ms (`timeOrigin + now()`), comparable
 * across threads.
 */

import type { MessagePort } from 'node:worker_threads';
import type { ThreadTimes } from '../support/thread-cpu.ts';
import type { PeerName, PeerSettings } from './peer.ts';
import type { Phase } from './plan.ts';
import type { PerVariant, RecordVariant } from './records.ts';

/** Main → producer. */
export type ProducerCommand = { readonly type: 'go'; readonly phase: number } | { readonly type: 'stop' };

/** Producer → main. */
export type ProducerReport =
  | { readonly type: 'ready' }
  | {
      readonly type: 'produced';
      readonly phase: number;
      readonly startedAt: number;
      readonly endedAt: number;
      /** Time the producer spent waiting for the consumer (full ring, no credits). */
      readonly waitedMs: number;
      /** Event-loop utilisation of the producer thread during the phase (0..1). */
      readonly utilization: number;
      /** CPU time and run-queue wait of the producer thread during the phase (Linux). */
      readonly times: ThreadTimes | undefined;
    };

/** Consumer → main (through the consumer's control port). */
export type ConsumerReport =
  | { readonly type: 'ready' }
  | {
      readonly type: 'consumed';
      readonly phase: number;
      /** When the phase's last record was consumed. */
      readonly endedAt: number;
      readonly count: number;
      readonly checksum: number;
      /** One-way latency of every record, ms (latency phases only). */
      readonly latencies: Float64Array | null;
      /** Event-loop utilisation of the consumer thread from the phase's first record to its last. */
      readonly utilization: number;
      /** CPU time and run-queue wait of the consumer thread over the same span (Linux). */
      readonly times: ThreadTimes | undefined;
    };

/** workerData of both threads (besides the bootstrap's `entry`). */
export interface PairData {
  readonly peer: PeerName;
  readonly plan: readonly Phase[];
  readonly poolRecords: PerVariant<number>;
  /** The record variants this pair's plan uses (the only pools it builds). */
  readonly variants: readonly RecordVariant[];
  readonly settings: PeerSettings;
  /** Peer-specific plain data (a ring descriptor, a MessagePort). */
  readonly link: unknown;
  /** Producer only, for peers whose consumer lives in the producer's pool: the consumer's control port. */
  readonly consumerControl?: MessagePort;
}
