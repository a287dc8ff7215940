/**
 * A {@link Receiver} for the MessagePort peers: hands every record of every message to the sink,
 * returns credits to the producer every `ackRecords` records, and stops at the `null` message that
 * ends the stream.
 *
 * Thread: the consumer.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Receiver, RecordSink } from './peer.ts';

/** Delivers the records of one message to `sink`; returns how many there were. */
export type Unpack = (message: unknown, sink: RecordSink) => number;

export class PortReceiver implements Receiver {
  readonly #port: MessagePort;
  readonly #unpack: Unpack;
  readonly #ackRecords: number;

  constructor(port: MessagePort, unpack: Unpack, ackRecords: number) {
    this.#port = port;
    this.#unpack = unpack;
    this.#ackRecords = ackRecords;
  }

  run(sink: RecordSink): Promise<void> {
    const port = this.#port;
    let unacknowledged = 0;
    return new Promise((resolve) => {
      port.on('message', (message: unknown) => {
        if (message === null) {
          if (unacknowledged !== 0) port.postMessage(unacknowledged);
          port.close();
          resolve();
          return;
        }
        unacknowledged += this.#unpack(message, sink);
        if (unacknowledged >= this.#ackRecords) {
          port.postMessage(unacknowledged);
          unacknowledged = 0;
        }
      });
    });
  }
}

/** Credits come back in four instalments per window. */
export function ackRecordsOf(windowRecords: number): number {
  return Math.max(1, Math.floor(windowRecords / 4));
}
