/**
 * Connectors benchmark (issue 19): Redis Streams → per-user count → PostgreSQL, end to end, next to
 * the servers' own ceilings on this machine (bench/connectors/ceilings.ts).
 *
 * - Throughput: a bounded read of pre-filled streams; records per second of wall time from start to
 *   the last row committed, exactly-once (two-phase commit at each checkpoint) vs at-least-once.
 *   Each round measures the ceilings, then both modes, so the figures are paired under the same load.
 * - Latency: input added at a fixed rate (a fraction of the at-least-once throughput) to an
 *   unbounded job; the visible row count is read every `pollMs`; record k's latency is the time from
 *   its XADD until k rows are visible (rows become visible in about the order they were added).
 *
 *   flock /tmp/weir-bench.lock npm run bench -- connectors [--quick] [--json]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { executeJob, type SinkGuarantee, startJob } from '../src/index.ts';
import { POSTGRES, REDIS_URL, testPostgres, testRedis, uniqueName } from '../test/support/servers.ts';
import { postgresInsertCeiling, redisXaddCeiling } from './connectors/ceilings.ts';
import type { ConnectorsJobArgs } from './connectors/connectors.job.ts';
import { type ConnectorsBenchParams, FULL, QUICK } from './connectors/params.ts';
import type { BenchArgs } from './support/args.ts';
import { formatDuration, formatRate } from './support/format.ts';
import { describeMachine, formatMachine, loadAverage } from './support/machine.ts';
import { median, percentile } from './support/stats.ts';
import { printJsonResult, resultHeader } from './support/subject.ts';
import { formatTable } from './support/table.ts';

export const description = 'Redis → keyed count → PostgreSQL: EO vs ALO next to the servers’ ceilings';

const job = new URL('./connectors/connectors.job.ts', import.meta.url);
/**
 * A database of the benchmark's own: tests that cut every connection of the test database (an
 * older connection-loss test does) then leave the benchmark alone.
 */
const DATABASE = 'weir_bench';
const BENCH_POSTGRES = { ...POSTGRES, database: DATABASE };

/** A client of the benchmark's database, created when missing. */
async function benchPostgres(): Promise<pg.Client> {
  const admin = await testPostgres();
  const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
  if (rows.length === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const client = new pg.Client(BENCH_POSTGRES);
  await client.connect();
  return client;
}
const GUARANTEES: readonly SinkGuarantee[] = ['at-least-once', 'exactly-once'];

interface Round {
  readonly redisXaddPerSecond: number;
  readonly postgresInsertsPerSecond: number;
  readonly weir: Record<SinkGuarantee, number>;
  readonly loadAverage: number;
}

interface LatencySample {
  readonly guarantee: SinkGuarantee;
  readonly ratePerSecond: number;
  readonly records: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

class Bench {
  readonly name = uniqueName('weir_bench_conn');
  #tables = 0;
  constructor(
    readonly params: ConnectorsBenchParams,
    readonly redis: Redis,
    readonly postgres: pg.Client,
  ) {}

  async table(): Promise<string> {
    // Lower-case letters, digits and _ only: usable unquoted here and by the sink.
    const table = `${this.name}.t${this.#tables++}`;
    await this.postgres.query(
      `CREATE TABLE ${table} (user_id text NOT NULL, count int NOT NULL, n int NOT NULL)`,
    );
    return table;
  }

  streams(round: string): string[] {
    return Array.from({ length: this.params.streams }, (_, i) => `${this.name}:${round}:${i}`);
  }

  /** Adds clicks `from..to-1` round-robin over `streams`; resolves with the time they were sent. */
  async add(streams: readonly string[], from: number, to: number): Promise<void> {
    for (let start = from; start < to; start += 10_000) {
      const pipeline = this.redis.pipeline();
      for (let n = start; n < Math.min(to, start + 10_000); n++)
        pipeline.xadd(streams[n % streams.length]!, '*', 'user', `u${n % this.params.users}`, 'n', String(n));
      await pipeline.exec();
    }
  }

  args(
    streams: readonly string[],
    table: string,
    guarantee: SinkGuarantee,
    bounded: boolean,
  ): ConnectorsJobArgs {
    return { redisUrl: REDIS_URL, postgres: { ...BENCH_POSTGRES }, streams, bounded, table, guarantee };
  }

  environment(guarantee: SinkGuarantee) {
    return {
      parallelism: this.params.parallelism,
      checkpointing: {
        intervalMs: this.params.checkpointMs,
        mode: guarantee === 'exactly-once' ? ('exactly-once' as const) : ('at-least-once' as const),
        storage: { kind: 'memory' as const },
      },
      // Another session cutting connections must not end the run (the figure then shows it).
      restart: { strategy: 'fixed-delay' as const, attempts: 3, delayMs: 100 },
    };
  }

  async throughput(streams: readonly string[], guarantee: SinkGuarantee): Promise<number> {
    const table = await this.table();
    const started = performance.now();
    const result = await executeJob(job, {
      args: this.args(streams, table, guarantee, true),
      environment: this.environment(guarantee),
    });
    const seconds = (performance.now() - started) / 1000;
    if (result.attempts > 1) console.log(`  (${guarantee} restarted: ${result.attempts} attempts)`);
    const { rows } = await this.postgres.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    // Exactly-once: every update once; at-least-once: a restart may repeat some.
    const n = rows[0]!.n;
    if (guarantee === 'exactly-once' ? n !== this.params.records : n < this.params.records)
      throw new Error(`${guarantee}: ${n} rows for ${this.params.records} records`);
    return this.params.records / seconds;
  }

  async latency(guarantee: SinkGuarantee, ratePerSecond: number): Promise<LatencySample> {
    const { latencySeconds, pollMs } = this.params;
    const streams = this.streams(`latency-${guarantee}`);
    const table = await this.table();
    const client = await startJob(job, {
      args: this.args(streams, table, guarantee, false),
      environment: this.environment(guarantee),
    });
    const total = Math.round(ratePerSecond * latencySeconds);
    const addedAt = new Float64Array(total);
    const visibleAt = new Float64Array(total).fill(Number.NaN);
    let visible = 0;
    let polling = true;
    let lastAdd = performance.now();
    const poller = (async () => {
      while (polling || visible < total) {
        const { rows } = await this.postgres.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
        const now = performance.now();
        for (; visible < Math.min(rows[0]!.n, total); visible++) visibleAt[visible] = now;
        if (!polling && performance.now() - lastAdd > 30_000) break; // never wait forever
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    })();
    // Ticks of 10 ms, each adding what the rate owes since the start.
    const started = performance.now();
    let added = 0;
    while (added < total) {
      const owed = Math.min(total, Math.floor(((performance.now() - started) / 1000) * ratePerSecond));
      if (owed > added) {
        const now = performance.now();
        await this.add(streams, added, owed);
        addedAt.fill(now, added, owed);
        added = owed;
        lastAdd = now;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    polling = false;
    await poller;
    await client.cancel();
    await client.result.catch(() => {});
    // The first fifth warms up (threads start, the first checkpoint).
    const from = Math.floor(total / 5);
    const latencies: number[] = [];
    for (let k = from; k < total; k++)
      if (!Number.isNaN(visibleAt[k]!)) latencies.push(visibleAt[k]! - addedAt[k]!);
    latencies.sort((a, b) => a - b);
    return {
      guarantee,
      ratePerSecond,
      records: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
    };
  }
}

export async function run(args: BenchArgs): Promise<void> {
  const params = args.quick ? QUICK : FULL;
  const machine = describeMachine();
  const startedAt = new Date();
  console.log(`weir connectors benchmark (${args.quick ? 'quick' : 'full'}), ${startedAt.toISOString()}`);
  console.log(`machine: ${formatMachine(machine)}`);
  console.log(
    `${params.records} clicks over ${params.users} users in ${params.streams} streams, parallelism ${params.parallelism}, ` +
      `checkpoints every ${params.checkpointMs} ms, ${params.rounds} round(s)\n`,
  );
  const bench = new Bench(params, await testRedis(), await benchPostgres());
  const scratch = mkdtempSync(join(tmpdir(), 'weir-bench-conn-'));
  await bench.postgres.query(`CREATE SCHEMA "${bench.name}"`);
  try {
    const rounds: Round[] = [];
    for (let r = 0; r < params.rounds; r++) {
      const key = `${bench.name}:ceiling`;
      const redisXaddPerSecond = redisXaddCeiling(key, params.redisBenchmarkRequests);
      await bench.redis.del(key);
      const ceilingTable = await bench.table();
      const postgresInsertsPerSecond = postgresInsertCeiling(
        BENCH_POSTGRES,
        ceilingTable,
        params.pgbenchSeconds,
        scratch,
      );
      const streams = bench.streams(`round${r}`);
      await bench.add(streams, 0, params.records);
      const weir = {} as Record<SinkGuarantee, number>;
      // Alternate which mode goes first, so neither always runs on a warmer machine.
      for (const guarantee of r % 2 === 0 ? GUARANTEES : [...GUARANTEES].reverse())
        weir[guarantee] = await bench.throughput(streams, guarantee);
      await bench.redis.del(...streams);
      rounds.push({ redisXaddPerSecond, postgresInsertsPerSecond, weir, loadAverage: loadAverage()[0]! });
      console.log(
        `round ${r + 1}: XADD ${formatRate(redisXaddPerSecond)}/s, INSERT ${formatRate(postgresInsertsPerSecond)}/s, ` +
          `weir ALO ${formatRate(weir['at-least-once'])}/s, EO ${formatRate(weir['exactly-once'])}/s (load ${rounds.at(-1)!.loadAverage})`,
      );
    }
    const spread = (values: number[]): string =>
      `${formatRate(median(values))} (${formatRate(Math.min(...values))}–${formatRate(Math.max(...values))})`;
    const slower = rounds.map((r) => Math.min(r.redisXaddPerSecond, r.postgresInsertsPerSecond));
    const ratios = (g: SinkGuarantee) => rounds.map((r, i) => r.weir[g] / slower[i]!);
    console.log(
      `\n${formatTable(
        [
          { title: 'records/s' },
          { title: 'median (min–max)', align: 'right' },
          { title: 'vs slower ceiling', align: 'right' },
        ],
        [
          ['redis-benchmark XADD', spread(rounds.map((r) => r.redisXaddPerSecond)), ''],
          ['pgbench single-row INSERT', spread(rounds.map((r) => r.postgresInsertsPerSecond)), ''],
          ...GUARANTEES.map((g) => [
            `weir ${g}`,
            spread(rounds.map((r) => r.weir[g])),
            `${(median(ratios(g)) * 100).toFixed(0)}%`,
          ]),
        ],
      )}`,
    );
    const aloRate = median(rounds.map((r) => r.weir['at-least-once']));
    const rate = Math.max(100, Math.round(aloRate * params.latencyLoad));
    console.log(
      `\nlatency: XADD to visible in PostgreSQL at ${rate} records/s for ${params.latencySeconds} s\n`,
    );
    const latencies: LatencySample[] = [];
    for (const guarantee of GUARANTEES) latencies.push(await bench.latency(guarantee, rate));
    console.log(
      formatTable(
        [
          { title: 'sink' },
          { title: 'records', align: 'right' },
          { title: 'p50', align: 'right' },
          { title: 'p99', align: 'right' },
          { title: 'max', align: 'right' },
        ],
        latencies.map((l) => [
          l.guarantee,
          String(l.records),
          formatDuration(l.p50),
          formatDuration(l.p99),
          formatDuration(l.max),
        ]),
      ),
    );
    const loadAverageAtEnd = loadAverage();
    console.log(`\nload average at the end: ${loadAverageAtEnd.join(' ')}`);
    if (args.json)
      printJsonResult({
        ...resultHeader('connectors', args, startedAt, machine, loadAverageAtEnd),
        params,
        rounds,
        latencies,
      });
  } finally {
    const keys = await bench.redis.keys(`${bench.name}*`);
    if (keys.length > 0) await bench.redis.del(...keys);
    await bench.postgres.query(`DROP SCHEMA IF EXISTS "${bench.name}" CASCADE`);
    bench.redis.disconnect();
    await bench.postgres.end();
    rmSync(scratch, { recursive: true, force: true });
  }
}
