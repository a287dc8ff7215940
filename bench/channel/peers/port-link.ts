/**
 * The link of the MessagePort peers: one MessageChannel, records flowing producer → consumer and
 * credits flowing back; and the sender that ships batches through it.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { BatchingSender } from '../batching-sender.ts';
import { Credits } from '../credits.ts';
import type { PeerLink, PeerSettings } from '../peer.ts';
import type { BenchRecord } from '../records.ts';

/** Main thread: a channel whose two ports go to the producer and the consumer. */
export function portLink(): PeerLink {
  const { port1, port2 } = new MessageChannel();
  return { producer: port1, consumer: port2, transfer: { producer: [port1], consumer: [port2] } };
}

/**
 * Producer thread: a batching sender that posts each batch with `post` and takes back the
 * credits the consumer returns on the same port.
 */
export function portSender(
  port: MessagePort,
  settings: PeerSettings,
  batchRecords: number,
  post: (port: MessagePort, batch: BenchRecord[]) => void,
): BatchingSender {
  const credits = new Credits(settings.windowRecords);
  port.on('message', (n: number) => credits.grant(n));
  return new BatchingSender({
    batchRecords,
    credits,
    ship: (batch) => post(port, batch),
    end: async () => {
      port.postMessage(null);
      port.close();
    },
  });
}
