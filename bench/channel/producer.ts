/**
 * Worker entry of a peer's producer thread: builds the record pools and the peer's sender, then
 * runs each phase when the main thread says `go` and reports when it has sent everything.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DEFAULT_FLUSH_TIMEOUT_MS } from '../../src/channel/channel-writer.ts';
import { threadTimes, threadTimesSince } from '../support/thread-cpu.ts';
import { driveLatency, driveThroughput } from './drive.ts';
import { PEERS } from './peers/index.ts';
import type { PairData, ProducerCommand, ProducerReport } from './protocol.ts';
import { makePools, wallNow } from './records.ts';

const data = workerData as PairData;
const control = parentPort!;
const pools = makePools(data.poolRecords, data.variants);
const sender = await PEERS[data.peer].createSender(data);

async function runPhase(index: number): Promise<ProducerReport> {
  const phase = data.plan[index];
  if (phase === undefined) throw new Error(`no phase ${index} in the plan`);
  const elu = performance.eventLoopUtilization();
  const times = threadTimes();
  const startedAt = wallNow();
  let waitedMs: number;
  if (phase.kind === 'throughput') {
    sender.begin(DEFAULT_FLUSH_TIMEOUT_MS);
    waitedMs = await driveThroughput(sender, pools[phase.variant], phase.records);
  } else {
    sender.begin(phase.flushTimeoutMs);
    waitedMs = await driveLatency(sender, pools.small, phase);
  }
  return {
    type: 'produced',
    phase: index,
    startedAt,
    endedAt: wallNow(),
    waitedMs,
    utilization: performance.eventLoopUtilization(elu).utilization,
    times: threadTimesSince(times),
  };
}

control.on('message', async (command: ProducerCommand) => {
  if (command.type === 'go') {
    control.postMessage(await runPhase(command.phase));
  } else {
    await sender.close();
    control.close();
  }
});
control.postMessage({ type: 'ready' } satisfies ProducerReport);
