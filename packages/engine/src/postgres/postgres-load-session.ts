import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Checkpoint, LoadSession, LoadTarget, WriteMode } from '../connectors/connection.ts';
import { answerWithin, DEFAULT_STALL_TIMEOUT_MS, targetStalled } from '../connectors/stall-guard.ts';
import { DataBridgeError } from '../errors.ts';
import { qualifiedName, type TableRef } from '../schema/model.ts';
import type { Row, Value } from '../values.ts';
import { checkpointParams, WRITE_CHECKPOINT_SQL } from './postgres-checkpoints.ts';
import { encodeCopyRows } from './postgres-copy-text.ts';
import type { PostgresDialect } from './postgres-dialect.ts';
import { toDataBridgeError } from './postgres-errors.ts';

/**
 * One pooled connection holding one open transaction. A statement that fails aborts the transaction
 * (PostgreSQL ignores everything after it), so the session remembers the failure: commit() then
 * rolls back and rethrows it instead of letting COMMIT quietly answer ROLLBACK. A statement that gets
 * no answer for `stallTimeoutMs` (a server gone silent) cuts the connection and fails transient.
 */
export class PostgresLoadSession implements LoadSession {
  private finished = false;
  private failure: DataBridgeError | undefined;
  /** Set when a COPY failed mid-protocol: the connection is discarded, not returned to the pool. */
  private broken: Error | undefined;
  /** Upsert staging tables of this transaction, by target and column list. */
  private readonly stages = new Map<string, string>();

  constructor(
    private readonly client: pg.PoolClient,
    private readonly dialect: PostgresDialect,
    private readonly stallTimeoutMs = DEFAULT_STALL_TIMEOUT_MS,
  ) {}

  async truncate(table: TableRef): Promise<void> {
    await this.run(`Truncating ${qualifiedName(table)}`, () =>
      this.client.query(`TRUNCATE TABLE ${this.dialect.qualify(table)}`),
    );
  }

  /**
   * COPYs the batch in as one text payload. `upsert` COPYs into a temporary staging table (dropped at
   * commit) and merges it into the target on `key`. Returns the rows inserted or updated.
   */
  async write(
    target: LoadTarget,
    rows: readonly Row[],
    mode: WriteMode,
    key: readonly string[],
  ): Promise<number> {
    if (rows.length === 0) return 0;
    const columns = target.columns.map((c) => c.name);
    const chunks = encodeCopyRows(rows, columns);
    if (mode === 'append') return this.copy(target.table, columns, Readable.from(chunks));
    const missing = key.length === 0 ? ['(none given)'] : key.filter((k) => !columns.includes(k));
    if (missing.length > 0) {
      throw new DataBridgeError(
        'bad_spec',
        `Upsert into ${qualifiedName(target.table)} needs its key among the loaded columns: ${missing.join(', ')}`,
      );
    }
    const stage = await this.stage(target.table, columns);
    const staged = { schema: 'pg_temp', name: stage };
    await this.copy(
      staged,
      columns,
      Readable.from(chunks),
      `Staging rows for ${qualifiedName(target.table)}`,
    );
    const merged = await this.run(`Upserting into ${qualifiedName(target.table)}`, () =>
      this.client.query(this.dialect.upsertFromStage(target.table, stage, columns, key)),
    );
    return merged.rowCount ?? 0;
  }

  /** Pipes COPY text (as `COPY ... TO STDOUT` writes it) into the target; returns the rows copied. */
  copyInText(target: LoadTarget, source: Readable): Promise<number> {
    return this.copyIn(target, source);
  }

  /** Pipes binary COPY (as copyOutBinary writes it) into columns of the very same types. */
  copyInBinary(target: LoadTarget, source: Readable): Promise<number> {
    return this.copy(
      target.table,
      target.columns.map((c) => c.name),
      source,
      undefined,
      'binary',
    );
  }

  async copyIn(target: LoadTarget, source: Readable): Promise<number> {
    return this.copy(
      target.table,
      target.columns.map((c) => c.name),
      source,
    );
  }

  /**
   * A task's checkpoints before its last commit without waiting for the WAL flush (`synchronous_commit`
   * off for this transaction only): a server crash may lose the last of them, but never a row without
   * its checkpoint or the reverse, so a resume still starts exactly where the surviving checkpoint
   * says. The task's last commit waits for the flush, which makes every earlier one durable too. At
   * a batch of 10,000 rows that saves one fsync (about 5 ms here) per batch.
   */
  async writeCheckpoint(checkpoint: Checkpoint): Promise<void> {
    if (!checkpoint.done) {
      await this.run('Writing the checkpoint', () =>
        this.client.query('SET LOCAL synchronous_commit TO off'),
      );
    }
    await this.run('Writing the checkpoint', () =>
      this.client.query(WRITE_CHECKPOINT_SQL, checkpointParams(checkpoint)),
    );
  }

  async savepoint(name: string): Promise<void> {
    await this.run('Setting a savepoint', () =>
      this.client.query(`SAVEPOINT ${this.dialect.quoteIdentifier(name)}`),
    );
  }

  /** Undoes what followed the savepoint, a failed statement included, and clears the failure. */
  async releaseSavepoint(name: string): Promise<void> {
    await this.run('Releasing a savepoint', () =>
      this.client.query(`RELEASE SAVEPOINT ${this.dialect.quoteIdentifier(name)}`),
    );
  }

  async rollbackTo(name: string): Promise<void> {
    if (this.broken) throw this.failure ?? new DataBridgeError('internal', 'The load connection was lost');
    const failure = this.failure;
    this.failure = undefined;
    try {
      await this.run('Rolling back to a savepoint', () =>
        this.client.query(`ROLLBACK TO SAVEPOINT ${this.dialect.quoteIdentifier(name)}`),
      );
    } catch (error) {
      this.failure ??= failure;
      throw error;
    }
  }

  async execute(sql: string, params: readonly Value[] = []): Promise<void> {
    await this.run('Running a statement in the load transaction', () => this.client.query(sql, [...params]));
  }

  async commit(): Promise<void> {
    if (this.finished) throw new DataBridgeError('internal', 'The load transaction has already ended');
    if (this.failure) {
      const failure = this.failure;
      await this.rollback();
      throw failure;
    }
    this.finished = true;
    try {
      const result = await this.answered('Committing the load transaction', () =>
        this.client.query('COMMIT'),
      );
      this.client.release();
      if (result.command === 'ROLLBACK') {
        throw new DataBridgeError('internal', 'PostgreSQL rolled the load transaction back');
      }
    } catch (error) {
      if (!(error instanceof DataBridgeError) || this.broken) this.client.release(asError(error));
      throw toDataBridgeError(error, 'Committing the load transaction');
    }
  }

  /** Rolls back and releases the connection; after commit, or a second time, it does nothing. */
  async rollback(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    if (this.broken) {
      this.client.release(this.broken);
      return;
    }
    try {
      await this.answered('Rolling back the load transaction', () => this.client.query('ROLLBACK'));
      this.client.release();
    } catch (error) {
      this.client.release(asError(error));
    }
  }

  private async copy(
    table: TableRef,
    columns: readonly string[],
    source: Readable,
    action = `Loading into ${qualifiedName(table)}`,
    format: 'text' | 'binary' = 'text',
  ): Promise<number> {
    const options = format === 'binary' ? ' (FORMAT binary)' : '';
    const sql = `COPY ${this.dialect.qualify(table)} (${this.dialect.columnList(columns)}) FROM STDIN${options}`;
    return this.run(action, async (progress) => {
      const sink = this.client.query(copyFrom(sql));
      // Rows taken count as an answer: a long COPY fed by a slow source is not a silent target.
      const taken = new Transform({
        transform(chunk, _encoding, done) {
          progress();
          done(null, chunk);
        },
      });
      try {
        await pipeline(source, taken, sink);
      } catch (error) {
        // A server error (it has an SQLSTATE) ends the COPY cleanly and the connection stays usable;
        // anything else may leave the protocol mid-way, so the connection is discarded.
        if (
          !(
            error &&
            typeof error === 'object' &&
            'code' in error &&
            typeof error.code === 'string' &&
            /^[0-9A-Z]{5}$/.test(error.code)
          )
        ) {
          this.broken = asError(error);
        }
        throw error;
      }
      return sink.rowCount;
    });
  }

  /** The staging table for a target and column list, created on first use and emptied on reuse. */
  private async stage(table: TableRef, columns: readonly string[]): Promise<string> {
    const id = JSON.stringify([table.schema, table.name, columns]);
    const existing = this.stages.get(id);
    const name = existing ?? `_databridge_stage_${this.stages.size + 1}`;
    const sql = existing
      ? `TRUNCATE TABLE pg_temp.${this.dialect.quoteIdentifier(name)}`
      : `CREATE TEMP TABLE ${this.dialect.quoteIdentifier(name)} ON COMMIT DROP AS ` +
        `SELECT ${this.dialect.columnList(columns)} FROM ${this.dialect.qualify(table)} WITH NO DATA`;
    await this.run(`Staging rows for ${qualifiedName(table)}`, () => this.client.query(sql));
    this.stages.set(id, name);
    return name;
  }

  /** Runs one step of the transaction; a failure is remembered and rethrown as a DataBridgeError. */
  private async run<T>(action: string, work: (progress: () => void) => Promise<T>): Promise<T> {
    if (this.finished) {
      throw new DataBridgeError('internal', `${action}: the load transaction has already ended`);
    }
    if (this.failure) {
      const message = `${action}: the load transaction already failed: ${this.failure.message}`;
      throw new DataBridgeError(this.failure.code, message, { cause: this.failure });
    }
    try {
      return await this.answered(action, work);
    } catch (error) {
      this.failure = toDataBridgeError(error, action);
      throw this.failure;
    }
  }

  /** `work`, failed transient when the server answers nothing for the stall timeout (see answerWithin). */
  private answered<T>(action: string, work: (progress: () => void) => Promise<T>): Promise<T> {
    return answerWithin(this.stallTimeoutMs, work, () => {
      this.broken = stalledSession(this.client, action, this.stallTimeoutMs);
      return this.broken;
    });
  }
}

/** Cuts a load connection whose server went silent; returns the transient error to fail with. */
export function stalledSession(client: pg.PoolClient, action: string, ms: number): DataBridgeError {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  return new DataBridgeError('transient', targetStalled(action, ms));
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
