/**
 * Channel benchmark: moves identical records between two worker threads through weir's ring and
 * through the usual alternatives (postMessage per record, postMessage of arrays, msgpackr arrays
 * transferred, piscina tasks), and reports throughput, one-way latency and the issue's targets.
 * It measures the channel layer itself, so its code imports `src/channel/` modules directly.
 *
 *   npm run bench -- channel [--quick] [--json] [--peers=weir-ring,post-each,...]
 *                            [--only=throughput|latency] [--skip-micro] [--rounds=N]
 *                            [--sizes=small,64B,256B,kib,4KiB,64KiB]
 */

import { runMicro } from './channel/micro.ts';
import { Pair, type PhaseOutcome } from './channel/pair.ts';
import { FULL, QUICK } from './channel/params.ts';
import { PEER_NAMES, type PeerName } from './channel/peer.ts';
import { PEERS } from './channel/peers/index.ts';
import { makePlan, type Phase, type PhaseKinds } from './channel/plan.ts';
import {
  encodedBytesPerRecord,
  makePools,
  PAYLOAD_CHARS,
  RECORD_VARIANTS,
  type RecordVariant,
} from './channel/records.ts';
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

function selectedVariants(args: BenchArgs): RecordVariant[] {
  const names = flagList(args, 'sizes') ?? (args.quick ? ['small', 'kib'] : [...RECORD_VARIANTS]);
  for (const name of names) {
    if (!(RECORD_VARIANTS as readonly string[]).includes(name))
      throw new Error(`unknown size '${name}'; sizes: ${RECORD_VARIANTS.join(', ')}`);
  }
  return RECORD_VARIANTS.filter((v) => names.includes(v));
}

/** Payloads above this go in a group of their own, with batches and windows scaled to their size. */
const LARGE_PAYLOAD = 4096;
/** Bytes of payload per message-passing batch and window for the large group (as 1000 × 4 KiB). */
const LARGE_BATCH_BYTES = 4 * 1024 * 1024;

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
  const variants = selectedVariants(args);
  const pools = makePools(params.poolRecords, [...new Set<RecordVariant>(['small', ...variants])]);
  const bytesPerRecord = Object.fromEntries(
    RECORD_VARIANTS.map((v) => [v, pools[v].length > 0 ? encodedBytesPerRecord(pools[v]) : Number.NaN]),
  ) as Record<RecordVariant, number>;

  console.log(`weir channel benchmark (${args.quick ? 'quick' : 'full'}), ${startedAt.toISOString()}`);
  console.log(`machine: ${formatMachine(machine)}`);
  console.log(
    `records (msgpack bytes, records per round): ${variants
      .map((v) => `${v} ≈ ${bytesPerRecord[v].toFixed(0)} B × ${params.throughputRecords[v]}`)
      .join(', ')}; ${params.warmupRounds} warm-up + ${params.measuredRounds} measured rounds\n`,
  );

  const micro = args.flags.has('skip-micro')
    ? []
    : await runMicro(pools.small, params.batchRecords, params.micro);
  if (micro.length > 0) console.log(`${microTable(micro, params.batchRecords)}\n`);

  const kinds = selectedKinds(args);
  const outcomes = new Map<PeerName, PhaseOutcome[]>(peers.map((name) => [name, []]));
  // Records of up to 4 KiB share one set of pairs (the issue's arrays of 1000 records: 4 MB at
  // most); 64 KiB records get pairs of their own whose batches and windows hold as many bytes.
  const small = variants.filter((v) => PAYLOAD_CHARS[v] <= LARGE_PAYLOAD);
  const large = variants.filter((v) => PAYLOAD_CHARS[v] > LARGE_PAYLOAD);
  const groups = [small, ...large.map((v) => [v])].filter((g, i) => g.length > 0 || i === 0);
  for (const [index, group] of groups.entries()) {
    const latencyToo = index === 0 ? kinds : new Set(['throughput'] as const);
    const plan = makePlan(params, latencyToo, group);
    const payload = Math.max(1, ...group.map((v) => PAYLOAD_CHARS[v]));
    const scale =
      payload > LARGE_PAYLOAD ? Math.min(1, LARGE_BATCH_BYTES / (payload * params.batchRecords)) : 1;
    const settings = {
      batchRecords: Math.max(1, Math.floor(params.batchRecords * scale)),
      windowRecords: Math.max(1, Math.floor(params.windowRecords * scale)),
      ringCapacity: params.ringCapacity,
    };
    const poolVariants = [...new Set<RecordVariant>(['small', ...group])];
    // Every pair is started first, then the phases run round-robin over the peers, so that a
    // machine whose load drifts during the run (a shared machine) penalises all peers alike.
    const pairs = peers.map(
      (name) => new Pair(PEERS[name], plan, settings, params.poolRecords, poolVariants),
    );
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
  }
  const summaries = peers.map((name) => summarise(name, outcomes.get(name)!, pools, bytesPerRecord));
  const throughput = summaries.flatMap((s) => s.throughput);
  const latency = summaries.flatMap((s) => s.latency);

  const targets = checkTargets(throughput);
  const loadAverageAtEnd = loadAverage();
  if (throughput.length > 0) console.log(`\n${throughputTable(throughput, variants)}`);
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
