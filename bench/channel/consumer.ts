/**
 * Worker entry of a peer's consumer thread: receives records through the peer's receiver into a
 * tally, which reports each phase to the main thread, until the stream ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PEERS } from './peers/index.ts';
import type { ConsumerReport, PairData } from './protocol.ts';
import { Tally } from './tally.ts';

const data = workerData as PairData;
const control = parentPort!;
const tally = new Tally(data.plan, (report, transfer) => control.postMessage(report, transfer));
const receiver = PEERS[data.peer].createReceiver(data);
control.postMessage({ type: 'ready' } satisfies ConsumerReport);
await receiver.run(tally);
control.close();
