/**
 * Peer: arrays of 1000 records packed with plain msgpackr (`Packr` with the options of weir's codec:
 * records on, more types), copied out of the packer's reused buffer into an ArrayBuffer of their
 * own, transferred with `postMessage`, and unpacked by the consumer. This is the alternative a user
 * would write by hand; it does not get weir's flat-record fast path.
 */
import type { MessagePort } from 'node:worker_threads';
import { Packr, Unpackr } from 'msgpackr';
import type { PeerDefinition } from '../peer.ts';
import { ackRecordsOf, PortReceiver } from '../port-receiver.ts';
import type { BenchRecord } from '../records.ts';
import { portLink, portSender } from './port-link.ts';

const OPTIONS = { useRecords: true, moreTypes: true } as const;

export const msgpackrTransfer: PeerDefinition = {
  name: 'msgpackr-transfer',
  label: 'msgpackr arrays of 1000, transferred',
  consumerInPool: false,
  link: portLink,
  async createSender(data) {
    const packr = new Packr(OPTIONS);
    return portSender(data.link as MessagePort, data.settings, data.settings.batchRecords, (port, batch) => {
      const bytes = new Uint8Array(packr.pack(batch)); // a copy with a buffer of its own
      port.postMessage(bytes, [bytes.buffer]);
    });
  },
  createReceiver(data) {
    const unpackr = new Unpackr(OPTIONS);
    return new PortReceiver(
      data.link as MessagePort,
      (message, sink) => {
        const records = unpackr.unpack(message as Uint8Array) as BenchRecord[];
        for (const r of records) sink.add(r);
        return records.length;
      },
      ackRecordsOf(data.settings.windowRecords),
    );
  },
};
