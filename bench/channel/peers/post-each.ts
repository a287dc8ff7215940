/** Peer: `postMessage` with one record per message (structured clone of each record). */
import type { MessagePort } from 'node:worker_threads';
import type { PeerDefinition } from '../peer.ts';
import { ackRecordsOf, PortReceiver } from '../port-receiver.ts';
import type { BenchRecord } from '../records.ts';
import { portLink, portSender } from './port-link.ts';

export const postEach: PeerDefinition = {
  name: 'post-each',
  label: 'postMessage, 1 record/message',
  consumerInPool: false,
  link: portLink,
  async createSender(data) {
    return portSender(data.link as MessagePort, data.settings, 1, (port, batch) =>
      port.postMessage(batch[0]),
    );
  },
  createReceiver(data) {
    return new PortReceiver(
      data.link as MessagePort,
      (message, sink) => {
        sink.add(message as BenchRecord);
        return 1;
      },
      ackRecordsOf(data.settings.windowRecords),
    );
  },
};
