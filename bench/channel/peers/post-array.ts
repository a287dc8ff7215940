/** Peer: `postMessage` of plain arrays of 1000 records (structured clone of the array). */
import type { MessagePort } from 'node:worker_threads';
import type { PeerDefinition } from '../peer.ts';
import { ackRecordsOf, PortReceiver } from '../port-receiver.ts';
import type { BenchRecord } from '../records.ts';
import { portLink, portSender } from './port-link.ts';

export const postArray: PeerDefinition = {
  name: 'post-array',
  label: 'postMessage, arrays of 1000',
  consumerInPool: false,
  link: portLink,
  async createSender(data) {
    return portSender(data.link as MessagePort, data.settings, data.settings.batchRecords, (port, batch) =>
      port.postMessage(batch),
    );
  },
  createReceiver(data) {
    return new PortReceiver(
      data.link as MessagePort,
      (message, sink) => {
        const records = message as BenchRecord[];
        for (const r of records) sink.add(r);
        return records.length;
      },
      ackRecordsOf(data.settings.windowRecords),
    );
  },
};
