/**
 * Peer: piscina. The producer thread owns a pool of one worker, the consumer; each task carries an
 * array of 1000 records (structured clone) and at most a window of records is in flight. The
 * pooled consumer reports to the main thread through a control port handed over in a first task.
 */
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { entryOf, WORKER_BOOTSTRAP } from '../../support/worker.ts';
import { BatchingSender } from '../batching-sender.ts';
import { Credits } from '../credits.ts';
import type { PeerDefinition } from '../peer.ts';
import type { PooledTask } from '../piscina-consumer.ts';

const consumerModule = new URL('../piscina-consumer.ts', import.meta.url);

export const piscina: PeerDefinition = {
  name: 'piscina',
  label: 'piscina tasks of 1000',
  consumerInPool: true,
  link() {
    return { producer: null, consumer: null, transfer: { producer: [], consumer: [] } };
  },
  async createSender(data) {
    const control = data.consumerControl;
    if (control === undefined) throw new Error('piscina peer: the producer needs the consumer control port');
    const pool = new Piscina<PooledTask, null>({
      filename: WORKER_BOOTSTRAP,
      workerData: { entry: entryOf(consumerModule) },
      minThreads: 1,
      maxThreads: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
    const init: PooledTask = { type: 'init', control, plan: data.plan };
    await pool.run(init, { transferList: [control as MessagePort] });
    const credits = new Credits(data.settings.windowRecords);
    return new BatchingSender({
      batchRecords: data.settings.batchRecords,
      credits,
      // A failed task rejects unhandled: the producer worker dies and the main thread reports it.
      ship: (records) =>
        void pool.run({ type: 'records', records }).then(() => credits.grant(records.length)),
      end: () => pool.destroy(),
    });
  },
  createReceiver() {
    throw new Error('the piscina consumer runs in the producer’s pool');
  },
};
