/**
 * Channel benchmark: moves identical records between two worker threads through weir's ring and
 * through the usual alternatives (postMessage per record, postMessage of arrays, msgpackr arrays
 * transferred, piscina tasks), and reports throughput, one-way latency and the targets.
 * It measures the channel layer itself, so its code imports `src/channel/` modules directly.
 *
 *   npm run bench -- channel [--quick] [--json] [--peers=weir-ring,post-each,...]
 *                            [--only=throughput|latency] [--skip-micro] [--rounds=N]
 */

import { runMicro } from './channel/micro.ts';
import { Pair, type PhaseOutcome } from './channel/pair.ts';
import { FULL, QUICK } from './channel/params.ts';
import { PEER_NAMES, type PeerName } from './channel/peer.ts';
import { PEERS } from './channel/peers/index.ts';
import { makePlan, type Phase, type PhaseKinds } from './channel/plan.ts';
import { encodedBytesPerRecord, makePool } from './channel/records.ts';
import { latencyTable, microTable, phaseLine, targetsText, throughputTable } from './channel/report.ts';
import { summarise } from './channel/results.ts';
import { checkTargets } from './channel/targets.ts';
import { type BenchArgs, flagList, flagNumber } from './support/args.ts';
import { describeMachine, formatMachine, loadAverage } from './support/machine.ts';
import { printJsonResult, resultHeader } from './support/subject.ts';

export const description = 'weir ring vs postMessage, msgpackr-transfer and piscina between two threads';

function selectedPeers(args: BenchArgs): PeerName[] {
  const names = flagList(args, 'peers') ?? [...PEER_NAMES];
  for (const name of names) {
    if (!(PEER_NAMES as readonly string[]).includes(name)) {
      throw new Error(`unknown peer '${name}'; peers: ${PEER_NAMES.join(', ')}`);
    }
  }
  return names as PeerName[];
}

function selectedKinds(args: BenchArgs): PhaseKinds {
  const only = flagList(args, 'only') ?? ['throughput', 'latency'];
  for (const kind of only) {
    if (kind !== 'throughput' && kind !== 'latency')
      throw new Error(`--only takes throughput or latency, got ${kind}`);
  }
  return new Set(only as Phase['kind'][]);
}

export async function run(args: BenchArgs): Promise<void> {
  const base = args.quick ? QUICK : FULL;
  const params = { ...base, measuredRounds: flagNumber(args, 'rounds', base.measuredRounds) };
  const peers = selectedPeers(args);
  const machine = describeMachine();
  const startedAt = new Date();
  const pools = {
    small: makePool('small', params.poolRecords.small),
    kib: makePool('kib', params.poolRecords.kib),
  };
  const bytesPerRecord = { small: encodedBytesPerRecord(pools.small), kib: encodedBytesPerRecord(pools.kib) };

  console.log(`weir channel benchmark (${args.quick ? 'quick' : 'full'}), ${startedAt.toISOString()}`);
  console.log(`machine: ${formatMachine(machine)}`);
  console.log(
    `records: small ≈ ${bytesPerRecord.small.toFixed(1)} B, 1 KiB variant ≈ ${bytesPerRecord.kib.toFixed(0)} B ` +
      `(msgpack); ${params.throughputRecords.small} small / ${params.throughputRecords.kib} 1 KiB records ` +
      `per round, ${params.warmupRounds} warm-up + ${params.measuredRounds} measured rounds\n`,
  );

  const micro = args.flags.has('skip-micro')
    ? []
    : await runMicro(pools.small, params.batchRecords, params.micro);
  if (micro.length > 0) console.log(`${microTable(micro, params.batchRecords)}\n`);

  const plan = makePlan(params, selectedKinds(args));
  const settings = {
    batchRecords: params.batchRecords,
    windowRecords: params.windowRecords,
    ringCapacity: params.ringCapacity,
  };
  // Every pair is started first, then the phases run round-robin over the peers, so that a
  // machine whose load drifts during the run (a shared machine) penalises all peers alike.
  const pairs = peers.map((name) => new Pair(PEERS[name], plan, settings, params.poolRecords));
  const outcomes = new Map<PeerName, PhaseOutcome[]>(peers.map((name) => [name, []]));
  try {
    await Promise.all(pairs.map((pair) => pair.ready()));
    for (let i = 0; i < plan.length; i++) {
      for (const pair of pairs) {
        const outcome = await pair.run(i);
        outcomes.get(pair.peer.name)!.push(outcome);
        console.log(phaseLine(pair.peer.name, outcome, bytesPerRecord));
      }
    }
  } finally {
    await Promise.all(pairs.map((pair) => pair.stop()));
  }
  const summaries = peers.map((name) => summarise(name, outcomes.get(name)!, pools, bytesPerRecord));
  const throughput = summaries.flatMap((s) => s.throughput);
  const latency = summaries.flatMap((s) => s.latency);

  const targets = checkTargets(throughput);
  const loadAverageAtEnd = loadAverage();
  if (throughput.length > 0) console.log(`\n${throughputTable(throughput)}`);
  if (latency.length > 0) console.log(`\n${latencyTable(latency, params.latency.rateHz)}`);
  console.log(`\nload average at the end: ${loadAverageAtEnd.join(' ')}\n`);
  if (targets.length > 0) console.log(`${targetsText(targets)}\n`);

  if (args.json) {
    printJsonResult({
      ...resultHeader('channel', args, startedAt, machine, loadAverageAtEnd),
      params,
      bytesPerRecord,
      micro,
      throughput,
      latency,
      targets,
    });
  }
}
