/**
 * The PostgreSQL sink. Exactly-once (with periodic checkpoints) by real two-phase commit on the
 * two-phase-commit base (sink/two-phase-commit-sink.ts), as Flink's JDBC exactly-once sink does
 * with XA: the rows of a checkpoint go into one transaction on the subtask's data connection,
 * written in multi-row statements as they arrive; at the barrier the transaction is
 * `PREPARE TRANSACTION`-ed (the subtask acknowledges once that is durable) and when the checkpoint
 * completes it is `COMMIT PREPARED` on a second, control connection (a session with a transaction
 * open cannot commit a prepared one). On restore the prepared transactions the restored state names
 * are committed (a missing one was committed already), and the prepared transactions of earlier
 * attempts that no state names (checkpoints that never completed) are rolled back; started without
 * restored state, the sink rolls back its prefix's prepared transactions of earlier runs at the
 * first barrier (so starting afresh abandons them: resume from the checkpoint to keep them). At-least-once
 * (or without checkpoints) rows are written at once, a statement per batch.
 *
 * Transaction ids: `<prefix>_<subtask>_<token>_<n>` (`token` random per subtask start), where the
 * prefix (default `weir_<table>_<operator uid>`) must be unique to the sink: lingering transactions
 * are found by it.
 *
 * Thread: the sink subtask's worker thread.
 */
import type { Client } from 'pg';
import type { OperatorContext, OperatorFactory } from '../../operators/operator.ts';
import { randomHex } from '../../util/lazy-builtins.ts';
import { ConnectorUnavailableError } from '../connector-errors.ts';
import type { SinkGuarantee, StagedCommitter } from '../sink/staged-commit-sink.ts';
import { stagedCommitSink } from '../sink/staged-commit-sink.ts';
import { type TwoPhaseCommitFunctions, twoPhaseCommitSink } from '../sink/two-phase-commit-sink.ts';
import { connectPostgres, quoteLiteral, UNDEFINED_OBJECT } from './pg-connection.ts';
import type { RowOptions } from './postgres-options.ts';
import { type PendingRow, RowWriter } from './row-writer.ts';

/** Options of the PostgreSQL sink. */
export interface PostgresSinkOptions<T> extends RowOptions<T> {
  /** `exactly-once` (default; two-phase commit with periodic checkpoints) or `at-least-once`. */
  readonly guarantee?: SinkGuarantee;
  /** Prefix of this sink's prepared transaction ids (default `weir_<table>_<operator uid>`). */
  readonly transactionPrefix?: string;
}

/** A transaction: its global id (plain data, in checkpoints). */
interface PreparedTransaction {
  readonly gid: string;
}

const CONNECTOR = 'postgres sink';

/**
 * Rows of the open transaction kept to name the one a PREPARE refuses (a deferred constraint is
 * only checked then); a larger transaction keeps none and is diagnosed from PostgreSQL's detail.
 */
const DIAGNOSIS_ROWS = 10_000;

/** The two-phase-commit functions of one subtask. */
class PostgresTransactions<T> implements TwoPhaseCommitFunctions<PreparedTransaction, T> {
  readonly #options: PostgresSinkOptions<T>;
  readonly #rows: RowWriter<T>;
  readonly #token = randomHex(4);
  #prefix = '';
  #sequence = 0;
  #data: Client | undefined;
  #control: Client | undefined;
  /** The open transaction: its id, rows not yet sent, its rows so far (bounded), whether BEGIN went out. */
  #open: { gid: string; buffer: PendingRow[]; sent: PendingRow[] | undefined; begun: boolean } | undefined;
  /** Statements on the data connection, in order; the first failure fails all that follow. */
  #writes: Promise<void> = Promise.resolve();
  #failure: unknown;
  #context: OperatorContext | undefined;
  /** Whether earlier attempts' prepared transactions were dealt with (on restore, or at the first barrier). */
  #lingeringHandled = false;

  constructor(options: PostgresSinkOptions<T>) {
    this.#options = options;
    this.#rows = new RowWriter(options, CONNECTOR);
  }

  async open(context: OperatorContext): Promise<void> {
    this.#context = context;
    this.#prefix =
      this.#options.transactionPrefix ?? sanitize(`weir_${this.#options.table}_${context.operatorUid}`);
    const lost = (error: unknown): void => {
      this.#failure ??= new ConnectorUnavailableError(CONNECTOR, this.#rows.address, 'the connection', error);
    };
    this.#data = await connectPostgres(this.#options, CONNECTOR, lost);
    this.#control = await connectPostgres(this.#options, CONNECTOR, lost);
  }

  beginTransaction(context: OperatorContext): PreparedTransaction {
    const gid = `${this.#prefix}_${context.subtaskIndex}_${this.#token}_${this.#sequence++}`;
    this.#open = { gid, buffer: [], sent: [], begun: false };
    return { gid };
  }

  write(_transaction: PreparedTransaction, record: T): void {
    if (this.#failure !== undefined) throw this.#failure;
    const open = this.#open!;
    open.buffer.push(this.#rows.toRow(record));
    if (open.buffer.length >= this.#rows.batchRows) this.#flush();
  }

  /** Sends the open transaction's buffered rows (BEGIN first). */
  #flush(): Promise<void> {
    const open = this.#open!;
    const rows = open.buffer;
    open.buffer = [];
    if (rows.length === 0) return this.#writes;
    if (open.sent !== undefined && open.sent.length + rows.length <= DIAGNOSIS_ROWS) open.sent.push(...rows);
    else open.sent = undefined;
    const begin = !open.begun;
    open.begun = true;
    return this.#enqueue(async (data) => {
      if (begin) await data.query('BEGIN');
      await this.#rows.insert(data, rows);
    });
  }

  #enqueue(statement: (data: Client) => Promise<void>): Promise<void> {
    const data = this.#data!;
    this.#writes = this.#writes.then(() => {
      if (this.#failure !== undefined) throw this.#failure;
      return statement(data).catch((error: unknown) => {
        this.#failure ??= error;
        throw this.#failure;
      });
    });
    return this.#writes;
  }

  preCommit(_transaction: PreparedTransaction): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (!this.#lingeringHandled) {
      // Started without restored state (a fresh start, or a restart before any checkpoint
      // completed): no earlier transaction of this sink may commit, and a prepared one would hold
      // its rows' locks forever (an upsert of the same key would wait on it). As Flink's Kafka sink
      // aborts lingering transactions on a fresh start, roll them back.
      void this.abortLingering(this.#context!).catch((error: unknown) => {
        this.#failure ??= error;
      });
    }
    const open = this.#open!;
    this.#flush();
    this.#open = undefined;
    if (!open.begun) return this.#writes; // nothing written: nothing to prepare (commit finds no id)
    return this.#enqueue(async (data) => {
      try {
        await data.query(`PREPARE TRANSACTION ${quoteLiteral(open.gid)}`);
      } catch (error) {
        throw await this.#rows.explain(error, open.sent ?? [], 'preparing');
      }
    });
  }

  async commit(transaction: PreparedTransaction): Promise<void> {
    await this.#finishPrepared('COMMIT', transaction.gid);
  }

  async abort(transaction: PreparedTransaction): Promise<void> {
    if (this.#open?.gid === transaction.gid) {
      // Not prepared: closing the data connection rolls it back.
      this.#open = undefined;
      return;
    }
    await this.#finishPrepared('ROLLBACK', transaction.gid);
  }

  /** COMMIT or ROLLBACK PREPARED; an id that does not exist was finished before (or never prepared). */
  async #finishPrepared(verb: 'COMMIT' | 'ROLLBACK', gid: string): Promise<void> {
    try {
      await this.#control!.query(`${verb} PREPARED ${quoteLiteral(gid)}`);
    } catch (error) {
      if ((error as { code?: unknown }).code === UNDEFINED_OBJECT) return;
      const failure = new ConnectorUnavailableError(CONNECTOR, this.#rows.address, `${verb} PREPARED`, error);
      this.#failure ??= failure;
      throw failure;
    }
  }

  /** Rolls back this sink's prepared transactions of earlier attempts from subtasks this one took over. */
  async abortLingering(context: OperatorContext): Promise<void> {
    this.#lingeringHandled = true;
    const { rows } = await this.#control!.query<{ gid: string }>(
      'SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND starts_with(gid, $1)',
      [`${this.#prefix}_`],
    );
    for (const { gid } of rows) {
      const [subtask, token] = gid.slice(this.#prefix.length + 1).split('_');
      if (token === this.#token || Number(subtask) % context.parallelism !== context.subtaskIndex) continue;
      await this.#finishPrepared('ROLLBACK', gid);
    }
  }

  async close(): Promise<void> {
    const clients = [this.#data, this.#control];
    this.#data = this.#control = undefined;
    await Promise.all(clients.map((c) => c?.end().catch(() => {})));
  }
}

/** At-least-once: each batch is one autocommitted statement. */
class PostgresWrites<T> implements StagedCommitter<PendingRow> {
  readonly #options: PostgresSinkOptions<T>;
  readonly #rows: RowWriter<T>;
  #client: Client | undefined;
  constructor(options: PostgresSinkOptions<T>) {
    this.#options = options;
    this.#rows = new RowWriter(options, CONNECTOR);
  }
  async open(): Promise<void> {
    this.#client = await connectPostgres(this.#options, CONNECTOR, () => {});
  }
  toEntry(record: unknown): PendingRow {
    return this.#rows.toRow(record);
  }
  commit(): Promise<void> {
    throw new Error('the at-least-once PostgreSQL sink stages nothing');
  }
  async write(rows: readonly PendingRow[]): Promise<void> {
    await this.#rows.insert(this.#client!, rows);
  }
  async close(): Promise<void> {
    await this.#client?.end().catch(() => {});
    this.#client = undefined;
  }
}

/** A transaction id may hold letters, digits and `_` here (a literal of at most 200 bytes). */
function sanitize(prefix: string): string {
  return prefix.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 120);
}

/** The sink operator factory (see the module doc). */
export function postgresSink<T>(options: PostgresSinkOptions<T>): OperatorFactory {
  return (context, output) => {
    if (!context.transactional || options.guarantee === 'at-least-once')
      return stagedCommitSink(() => new PostgresWrites(options), 'at-least-once')(context, output);
    const functions = new PostgresTransactions(options);
    const operator = twoPhaseCommitSink(functions)(context, output);
    const { open, close } = operator;
    return {
      ...operator,
      async open() {
        await functions.open(context);
        await open?.();
      },
      async close() {
        try {
          await close?.();
        } finally {
          await functions.close();
        }
      },
    };
  };
}
