import type { Pool, PoolConnection, QueryOptions, ResultSetHeader } from 'mysql2/promise';
import type { BulkLoader, Checkpoint, LoadSession, LoadTarget, WriteMode } from '../connectors/connection.ts';
import { answerWithin, targetStalled } from '../connectors/stall-guard.ts';
import { DataBridgeError } from '../errors.ts';
import { qualifiedName, type TableRef } from '../schema/model.ts';
import type { Row, Value } from '../values.ts';
import { writeCheckpointStatement } from './mysql-checkpoints.ts';
import type { MysqlDialect } from './mysql-dialect.ts';
import { type MysqlServer, mapMysqlErrors } from './mysql-errors.ts';
import { insertChunks } from './mysql-insert.ts';
import { loadDataStatement, tsvStream } from './mysql-load-data.ts';
import { toParams } from './mysql-values.ts';
import { ALTERED_VALUE, rejectWarnings } from './mysql-warnings.ts';

export interface LoadOptions {
  /** Characters per INSERT statement, kept well under max_allowed_packet. */
  readonly maxStatementChars: number;
  /** The server takes LOAD DATA LOCAL INFILE (`local_infile` is on); cleared if it turns out not to. */
  localInfile: boolean;
  /** A statement without answer this long (a server gone silent) cuts its connection (stall-guard.ts). */
  readonly stallTimeoutMs: number;
}

/** ER_NOT_ALLOWED_COMMAND, ER_CLIENT_LOCAL_FILES_DISABLED, ER_LOAD_INFILE_CAPABILITY_DISABLED. */
const LOCAL_INFILE_REFUSED = new Set([1148, 3948, 3950]);

function errnoOf(error: unknown): number {
  const cause = error instanceof Error ? (error.cause as { errno?: unknown } | undefined) : undefined;
  return typeof cause?.errno === 'number' ? cause.errno : 0;
}

/** Opens one transaction per session on a pooled connection; see MysqlLoadSession. */
export class MysqlBulkLoader implements BulkLoader {
  constructor(
    private readonly pool: Pool,
    private readonly dialect: MysqlDialect,
    private readonly server: MysqlServer,
    private readonly options: LoadOptions,
  ) {}

  async begin(): Promise<LoadSession> {
    return mapMysqlErrors('Starting a load transaction', this.server, async () => {
      const connection = await this.pool.getConnection();
      try {
        await answerWithin(
          this.options.stallTimeoutMs,
          () => connection.query('START TRANSACTION'),
          () => stalledSession(connection, 'Starting a load transaction', this.options.stallTimeoutMs),
        );
      } catch (error) {
        connection.destroy();
        throw error;
      }
      return new MysqlLoadSession(connection, this.dialect, this.server, this.options);
    });
  }
}

/** One connection, one open transaction: batches and their checkpoint commit together. */
class MysqlLoadSession implements LoadSession {
  private released = false;

  constructor(
    private readonly connection: PoolConnection,
    private readonly dialect: MysqlDialect,
    private readonly server: MysqlServer,
    private readonly options: LoadOptions,
  ) {}

  /** DELETE, not TRUNCATE: TRUNCATE commits implicitly in MySQL and would break the one-transaction promise. */
  async truncate(table: TableRef): Promise<void> {
    await this.run(`Emptying ${qualifiedName(table)}`, `DELETE FROM ${this.dialect.qualify(table)}`);
  }

  /**
   * `append` goes through LOAD DATA LOCAL INFILE where the server allows it (on 100k rows, about
   * twice as fast as multi-row INSERTs; as fast as prepared INSERTs when a binary column needs its
   * UNHEX()). `upsert`, `append` where LOCAL is off, and columns of unknown type (whose values may be
   * bytes) go through multi-row INSERTs, each sent while the next is built.
   */
  async write(
    target: LoadTarget,
    rows: readonly Row[],
    mode: WriteMode,
    key: readonly string[],
  ): Promise<number> {
    if (rows.length === 0) return 0;
    const action = `Writing to ${qualifiedName(target.table)}`;
    if (mode === 'append' && this.options.localInfile && target.columns.every((c) => c.type !== 'unknown')) {
      try {
        await this.loadData(action, target, rows);
        return rows.length;
      } catch (error) {
        if (!LOCAL_INFILE_REFUSED.has(errnoOf(error))) throw error;
        this.options.localInfile = false;
      }
    }
    await this.insert(action, target, rows, mode, key);
    return rows.length;
  }

  private async loadData(action: string, target: LoadTarget, rows: readonly Row[]): Promise<void> {
    const sql = loadDataStatement(this.dialect, target);
    const result = await this.run(action, {
      sql,
      infileStreamFactory: () => tsvStream(target, rows),
    });
    if (result.warningStatus > 0 || result.affectedRows !== rows.length) {
      await rejectWarnings(this.connection, action, 0);
      throw new DataBridgeError(
        'internal',
        `${action}: ${result.affectedRows} of ${rows.length} rows loaded`,
      );
    }
  }

  private async insert(
    action: string,
    target: LoadTarget,
    rows: readonly Row[],
    mode: WriteMode,
    key: readonly string[],
  ) {
    const chunks = insertChunks(this.dialect, target, rows, mode, key, this.options.maxStatementChars);
    let current = chunks.next();
    while (!current.done) {
      const { sql, firstRow } = current.value;
      const sent = this.run(action, sql);
      try {
        current = chunks.next(); // built while the server runs the statement before it
      } catch (error) {
        await sent.catch(() => undefined);
        throw error;
      }
      const result = await sent;
      if (result.warningStatus > 0) await rejectWarnings(this.connection, action, firstRow, ALTERED_VALUE);
    }
  }

  async writeCheckpoint(checkpoint: Checkpoint): Promise<void> {
    const { sql, params } = writeCheckpointStatement(this.dialect, checkpoint);
    await this.run(`Writing checkpoint ${checkpoint.taskId}`, sql, params);
  }

  async savepoint(name: string): Promise<void> {
    await this.run('Setting a savepoint', `SAVEPOINT ${this.dialect.quoteIdentifier(name)}`);
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.run('Releasing a savepoint', `RELEASE SAVEPOINT ${this.dialect.quoteIdentifier(name)}`);
  }

  async rollbackTo(name: string): Promise<void> {
    await this.run(
      'Rolling back to a savepoint',
      `ROLLBACK TO SAVEPOINT ${this.dialect.quoteIdentifier(name)}`,
    );
  }

  async execute(sql: string, params?: readonly Value[]): Promise<void> {
    await this.run('Running a statement in the load transaction', sql, params);
  }

  async commit(): Promise<void> {
    if (this.released)
      throw new DataBridgeError('internal', 'Commit of a load session that has already ended');
    await this.run('Committing', 'COMMIT');
    this.release();
  }

  async rollback(): Promise<void> {
    if (this.released) return;
    try {
      await answerWithin(
        this.options.stallTimeoutMs,
        () => this.connection.query('ROLLBACK'),
        () => stalledSession(this.connection, 'Rolling back', this.options.stallTimeoutMs),
      );
      this.release();
    } catch {
      // The connection is gone, and its transaction with it.
      this.released = true;
      this.connection.destroy();
    }
  }

  private release(): void {
    this.released = true;
    this.connection.release();
  }

  private async run(
    action: string,
    sql: string | QueryOptions,
    params?: readonly Value[],
  ): Promise<ResultSetHeader> {
    if (this.released) throw new DataBridgeError('internal', `${action}: the load session has already ended`);
    return mapMysqlErrors(action, this.server, () =>
      answerWithin(
        this.options.stallTimeoutMs,
        async () => {
          // Without values mysql2 sends the SQL as it is, rather than scanning megabytes of literals for `?`.
          const [result] = params
            ? await this.connection.query<ResultSetHeader>(sql as QueryOptions, toParams(params))
            : await this.connection.query<ResultSetHeader>(sql as QueryOptions);
          return result;
        },
        () => {
          this.released = true;
          return stalledSession(this.connection, action, this.options.stallTimeoutMs);
        },
      ),
    );
  }
}

/** Destroys a load connection whose server went silent; returns the transient error to fail with. */
function stalledSession(connection: PoolConnection, action: string, ms: number): DataBridgeError {
  connection.destroy();
  return new DataBridgeError('transient', targetStalled(action, ms));
}
