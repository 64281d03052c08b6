import type Database from 'better-sqlite3';
import type { Checkpoint, LoadSession, LoadTarget, WriteMode } from '../connectors/connection.ts';
import { DataBridgeError } from '../errors.ts';
import { qualifiedName, type TableRef } from '../schema/model.ts';
import type { Row, Value } from '../values.ts';
import { checkpointParams, UPSERT_CHECKPOINT } from './sqlite-checkpoints.ts';
import { qualify } from './sqlite-dialect.ts';
import { type Bindable, bindable, type ValueWriter, valueWriterFor } from './sqlite-encode.ts';
import { toDataBridgeError } from './sqlite-errors.ts';
import { insertSql, rowsPerInsert } from './sqlite-insert.ts';
import type { StatementCache } from './sqlite-statements.ts';

/** Flattens `rows[from, to)` into one parameter list, encoding each value for its column. */
function parameters(
  rows: readonly Row[],
  from: number,
  to: number,
  writers: readonly ValueWriter[],
  action: string,
): Bindable[] {
  const out: Bindable[] = [];
  for (let r = from; r < to; r++) {
    const row = rows[r]!;
    if (row.length !== writers.length) {
      throw new DataBridgeError(
        'internal',
        `Row ${r + 1} has ${row.length} values for ${writers.length} columns`,
      );
    }
    for (let c = 0; c < row.length; c++) {
      try {
        out.push(writers[c]!(row[c]!));
      } catch (error) {
        if (error instanceof DataBridgeError) {
          throw new DataBridgeError(error.code, `${action}, row ${r + 1} of the batch: ${error.message}`, {
            cause: error,
          });
        }
        throw error;
      }
    }
  }
  return out;
}

/**
 * The write handle inside one `BEGIN IMMEDIATE` transaction, held under the connection's write lock
 * until commit or rollback. Rows go in through cached multi-row INSERTs (see sqlite-bulk-loader.ts
 * for why not one prepared INSERT per row).
 */
export class SqliteLoadSession implements LoadSession {
  readonly #db: Database.Database;
  readonly #statements: StatementCache;
  #beforeEnd: (() => void) | undefined;
  #release: (() => void) | undefined;

  /** `beforeEnd` runs just before COMMIT or ROLLBACK, while SQLite's lock is still held. */
  constructor(
    db: Database.Database,
    statements: StatementCache,
    release: () => void,
    beforeEnd: () => void = () => {},
  ) {
    this.#db = db;
    this.#statements = statements;
    this.#release = release;
    this.#beforeEnd = beforeEnd;
  }

  async truncate(table: TableRef): Promise<void> {
    this.#run(`DELETE FROM ${qualify(table)}`, [], `Emptying ${qualifiedName(table)}`);
  }

  async write(
    target: LoadTarget,
    rows: readonly Row[],
    mode: WriteMode,
    key: readonly string[],
  ): Promise<number> {
    this.#assertOpen();
    const action = `Loading ${qualifiedName(target.table)}`;
    const writers = target.columns.map(valueWriterFor);
    const chunk = rowsPerInsert(target.columns.length);
    try {
      for (let from = 0; from < rows.length; from += chunk) {
        const to = Math.min(rows.length, from + chunk);
        const statement = this.#statements.get(insertSql(target, to - from, mode, key));
        statement.run(parameters(rows, from, to, writers, action));
      }
    } catch (error) {
      throw toDataBridgeError(error, { action });
    }
    // Every row was inserted or, under upsert, inserted or updated.
    return rows.length;
  }

  async writeCheckpoint(checkpoint: Checkpoint): Promise<void> {
    this.#run(
      UPSERT_CHECKPOINT,
      checkpointParams(checkpoint),
      `Recording checkpoint of ${checkpoint.taskId}`,
    );
  }

  async savepoint(name: string): Promise<void> {
    await this.execute(`SAVEPOINT "${name.replace(/"/g, '""')}"`);
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.execute(`RELEASE SAVEPOINT "${name.replace(/"/g, '""')}"`);
  }

  async rollbackTo(name: string): Promise<void> {
    await this.execute(`ROLLBACK TO SAVEPOINT "${name.replace(/"/g, '""')}"`);
  }

  /** Without parameters the SQL may hold several statements (a hook script). */
  async execute(sql: string, params: readonly Value[] = []): Promise<void> {
    this.#assertOpen();
    try {
      if (params.length === 0) this.#db.exec(sql);
      else this.#statements.get(sql).run(params.map(bindable));
    } catch (error) {
      throw toDataBridgeError(error, { action: 'Running a statement in the load transaction' });
    }
  }

  async commit(): Promise<void> {
    this.#assertOpen();
    try {
      if (!this.#db.inTransaction) {
        throw new DataBridgeError(
          'transient',
          'SQLite rolled the load transaction back after an earlier error',
        );
      }
      this.#ending();
      this.#db.exec('COMMIT');
    } catch (error) {
      this.#ending();
      this.#rollbackQuietly();
      throw toDataBridgeError(error, { action: 'Committing' });
    } finally {
      this.#finish();
    }
  }

  async rollback(): Promise<void> {
    if (!this.#release) return;
    try {
      this.#ending();
      if (this.#db.open && this.#db.inTransaction) this.#db.exec('ROLLBACK');
    } catch (error) {
      throw toDataBridgeError(error, { action: 'Rolling back' });
    } finally {
      this.#finish();
    }
  }

  #run(sql: string, params: Bindable[], action: string): void {
    this.#assertOpen();
    try {
      this.#statements.get(sql).run(params);
    } catch (error) {
      throw toDataBridgeError(error, { action });
    }
  }

  /** Runs `beforeEnd` once: a second run could remove what the lock's next holder wrote. */
  #ending(): void {
    const beforeEnd = this.#beforeEnd;
    this.#beforeEnd = undefined;
    beforeEnd?.();
  }

  #rollbackQuietly(): void {
    try {
      if (this.#db.open && this.#db.inTransaction) this.#db.exec('ROLLBACK');
    } catch {
      // The commit's own error is the one worth reporting.
    }
  }

  #assertOpen(): void {
    if (!this.#release) {
      throw new DataBridgeError('internal', 'This load session was already committed or rolled back');
    }
  }

  #finish(): void {
    this.#release?.();
    this.#release = undefined;
  }
}
