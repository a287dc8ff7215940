/**
 * The neutral adaptor through which every transport is compared. A peer links a producer thread to
 * a consumer thread: the main thread creates the link (shared memory, a MessageChannel), the
 * producer thread sends records through a {@link Sender}, and the consumer thread hands each record
 * it receives to a {@link RecordSink} through a {@link Receiver}. The harness around them (pools,
 * pacing, timing, checksums) is the same for every peer.
 */
import type { Transferable } from 'node:worker_threads';
import type { PairData } from './protocol.ts';
import type { BenchRecord } from './records.ts';

export const PEER_NAMES = ['weir-ring', 'post-each', 'post-array', 'msgpackr-transfer', 'piscina'] as const;
export type PeerName = (typeof PEER_NAMES)[number];

/** Settings common to all peers (from the benchmark parameters). */
export interface PeerSettings {
  readonly batchRecords: number;
  readonly windowRecords: number;
  readonly ringCapacity: number;
}

/** What the main thread creates to connect the two threads of a peer. */
export interface PeerLink {
  readonly producer: unknown;
  readonly consumer: unknown;
  readonly transfer: { readonly producer: Transferable[]; readonly consumer: Transferable[] };
}

/** Producer thread's end. Methods return a promise only when the producer must wait. */
export interface Sender {
  /** Applies a phase's flush timeout (ms) to the partial batches that follow. */
  begin(flushTimeoutMs: number): void;
  /** Sends (or batches) one record; a promise means "wait for the consumer before sending more". */
  send(record: BenchRecord): Promise<void> | undefined;
  /** Sends the partial batch if it has waited its flush timeout; returns the next deadline (`performance.now()` ms). */
  flushIfDue(now: number): number;
  /** Sends the partial batch now. */
  flush(): Promise<void> | undefined;
  /** Ends the stream and releases the transport. */
  close(): Promise<void>;
}

/** Consumer thread's destination for records. */
export interface RecordSink {
  add(record: BenchRecord): void;
}

/** Consumer thread's end: delivers every record to the sink until the stream ends. */
export interface Receiver {
  run(sink: RecordSink): Promise<void>;
}

/** One transport under comparison. */
export interface PeerDefinition {
  readonly name: PeerName;
  /** Row title in the report. */
  readonly label: string;
  /** True when the consumer runs inside the producer's worker pool (piscina), not in its own worker. */
  readonly consumerInPool: boolean;
  /** Main thread: creates the link between the two threads. */
  link(settings: PeerSettings): PeerLink;
  /** Producer thread: its end of the link is `data.link`. */
  createSender(data: PairData): Promise<Sender>;
  /** Consumer thread (peers whose consumer has its own worker): its end of the link is `data.link`. */
  createReceiver(data: PairData): Receiver;
}
