// The PostgreSQL sink's two-phase commit against the real server: a checkpoint's rows are prepared
// (invisible) at the barrier and visible once it completes; a restore commits the restored
// checkpoint's prepared transactions and rolls back newer ones; a row the table refuses fails the job
// naming the record; a server that does not answer fails the job naming the address.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresSink } from '../../../../src/connectors/postgres/postgres-sink.ts';
import { startJob } from '../../../../src/index.ts';
import type { Operator } from '../../../../src/operators/operator.ts';
import { operatorContext, streamOutput } from '../../../support/operator-context.ts';
import {
  dropSchema,
  POSTGRES,
  preparedTransactions,
  testPostgres,
  uniqueName,
} from '../../../support/servers.ts';

const schema = uniqueName('weir_test_pg');
let client: pg.Client;

beforeAll(async () => {
  client = await testPostgres();
  await client.query(`CREATE SCHEMA "${schema}"`);
});
afterAll(async () => {
  await dropSchema(client, schema, schema);
  await client.end();
});

async function table(name: string, definition: string): Promise<string> {
  await client.query(`CREATE TABLE "${schema}"."${name}" (${definition})`);
  return `${schema}.${name}`;
}

async function rows(name: string): Promise<Array<{ id: number; v: string }>> {
  return (await client.query(`SELECT id, v FROM "${schema}"."${name}" ORDER BY id`)).rows;
}

/** A sink subtask built as the runtime builds it (transactional: periodic checkpoints). */
async function sinkSubtask(
  target: string,
  prefix: string,
  subtaskIndex = 0,
  parallelism = 1,
): Promise<Operator> {
  const operator = postgresSink<{ id: number; v: string }>({
    ...POSTGRES,
    table: target,
    columns: ['id', 'v'],
    transactionPrefix: prefix,
  })(
    operatorContext({ transactional: true, operatorUid: 'rows', subtaskIndex, parallelism }),
    streamOutput(() => {}),
  );
  await operator.open?.();
  return operator;
}

/** The synchronous and asynchronous parts of a checkpoint of `operator`: its state once durable. */
async function checkpoint(operator: Operator, id: number): Promise<unknown> {
  const state = operator.snapshotState?.(id);
  await operator.snapshotDurable?.(id);
  return state;
}

describe('PostgreSQL two-phase-commit sink', () => {
  it('prepares at the checkpoint and commits when it completes', async () => {
    const target = await table('basic', 'id int PRIMARY KEY, v text');
    const prefix = `${schema}_basic`;
    const sink = await sinkSubtask(target, prefix);
    for (let id = 0; id < 3; id++) sink.process({ id, v: `v${id}` });
    await checkpoint(sink, 1);
    expect(await preparedTransactions(client, prefix)).toHaveLength(1);
    expect(await rows('basic')).toEqual([]);
    await sink.notifyCheckpointComplete?.(1);
    expect(await rows('basic')).toHaveLength(3);
    expect(await preparedTransactions(client, prefix)).toEqual([]);
    await sink.close?.();
  });

  it('on restore commits the restored checkpoint and rolls back the newer one', async () => {
    const target = await table('restore', 'id int PRIMARY KEY, v text');
    const prefix = `${schema}_restore`;
    const crashed = await sinkSubtask(target, prefix, 1, 2);
    crashed.process({ id: 1, v: 'one' });
    const state = await checkpoint(crashed, 1);
    crashed.process({ id: 2, v: 'two' });
    await checkpoint(crashed, 2);
    // The process dies here: checkpoint 1 completed (its notification never arrived), 2 did not.
    await crashed.close?.();
    expect(await preparedTransactions(client, prefix)).toHaveLength(2);
    expect(await rows('restore')).toEqual([]);
    // Restored at parallelism 1: subtask 0 takes over old subtask 1's state and transactions.
    const restored = await sinkSubtask(target, prefix, 0, 1);
    await restored.restoreState?.([state]);
    expect(await rows('restore')).toEqual([{ id: 1, v: 'one' }]);
    expect(await preparedTransactions(client, prefix)).toEqual([]);
    // A replayed commit of the same state is harmless.
    await restored.restoreState?.([state]);
    expect(await rows('restore')).toEqual([{ id: 1, v: 'one' }]);
    await restored.close?.();
  });

  it('started without restored state, rolls back what an earlier run prepared at its first barrier', async () => {
    const target = await table('fresh', 'id int PRIMARY KEY, v text');
    const prefix = `${schema}_fresh`;
    const crashed = await sinkSubtask(target, prefix);
    crashed.process({ id: 1, v: 'old' });
    await checkpoint(crashed, 1); // never completes: the run dies
    await crashed.close?.();
    const fresh = await sinkSubtask(target, prefix);
    fresh.process({ id: 1, v: 'new' }); // would wait on the old row lock if the old transaction stayed
    await checkpoint(fresh, 1);
    await fresh.notifyCheckpointComplete?.(1);
    expect(await rows('fresh')).toEqual([{ id: 1, v: 'new' }]);
    expect(await preparedTransactions(client, prefix)).toEqual([]);
    await fresh.close?.();
  });

  it('fails the job naming a record the table refuses', async () => {
    const target = await table('refuse', 'id int PRIMARY KEY, v varchar(3) NOT NULL');
    const job = await startJob(new URL('../jobs/postgres-rows.job.ts', import.meta.url), {
      args: {
        table: target,
        rows: [
          [1, 'a'],
          [2, 'bb'],
          [3, 'too long'],
          [4, 'd'],
        ],
      },
      environment: { parallelism: 1, checkpointing: { intervalMs: 20 }, restart: { strategy: 'none' } },
    });
    const error = await job.result.then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    // The insert runs behind the barrier's pre-commit: its failure fails the subtask, not a decline.
    expect(error).toMatchObject({ code: 'ERR_CONNECTOR_RECORD' });
    expect(error!.message).toContain('{"id":3,"v":"too long"}');
    expect(await rows('refuse')).toEqual([]);
    expect(await preparedTransactions(client, `weir_${schema}_refuse`)).toEqual([]);
  });

  it('fails the job naming the record a deferred constraint refuses at PREPARE', async () => {
    const target = await table(
      'deferred',
      'id int, v text, CONSTRAINT deferred_id UNIQUE (id) DEFERRABLE INITIALLY DEFERRED',
    );
    await client.query(`INSERT INTO "${schema}"."deferred" VALUES (3, 'old')`);
    const run = async (rows: ReadonlyArray<readonly [number, string]>) => {
      const job = await startJob(new URL('../jobs/postgres-rows.job.ts', import.meta.url), {
        args: { table: target, rows },
        environment: { parallelism: 1, checkpointing: { intervalMs: 60_000 }, restart: { strategy: 'none' } },
      });
      return job.result.then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
    };
    // A row that clashes with the table on its own: found by trying each row with the constraint immediate.
    const clash = await run([
      [1, 'a'],
      [3, 'c'],
      [4, 'd'],
    ]);
    expect(clash).toMatchObject({ code: 'ERR_CONNECTOR_RECORD' });
    expect(clash!.message).toContain('cannot write record {"id":3,"v":"c"}');
    // Two rows of one transaction that clash with each other: named by PostgreSQL's detail (the later).
    const twice = await run([
      [5, 'e'],
      [5, 'f'],
    ]);
    expect(twice).toMatchObject({ code: 'ERR_CONNECTOR_RECORD' });
    expect(twice!.message).toContain('cannot write record {"id":5,"v":"f"}');
    expect(await rows('deferred')).toEqual([{ id: 3, v: 'old' }]);
    expect(await preparedTransactions(client, `weir_${schema}_deferred`)).toEqual([]);
  });

  it('fails at start naming the connector and the address when the server does not answer', async () => {
    const job = await startJob(new URL('../jobs/postgres-rows.job.ts', import.meta.url), {
      args: { table: `${schema}.none`, rows: [[1, 'a']], port: 1 },
      environment: { parallelism: 1, restart: { strategy: 'none' } },
    });
    await expect(job.result).rejects.toMatchObject({
      code: 'ERR_CONNECTOR_UNAVAILABLE',
      message: expect.stringMatching(/^postgres sink at 127\.0\.0\.1:1\/test: connecting failed: /),
    });
  });
});
