import { setImmediate as nextTurn } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type { Reader, ReadRequest } from '../connectors/connection.ts';
import { buildKeysetSelect } from '../connectors/keyset-select.ts';
import { DataBridgeError } from '../errors.ts';
import { qualifiedName, type TableRef } from '../schema/model.ts';
import type { Row, Value } from '../values.ts';
import { qualify, quoteIdentifier, sqliteDialect } from './sqlite-dialect.ts';
import { type Bindable, bindable } from './sqlite-encode.ts';
import { toDataBridgeError } from './sqlite-errors.ts';
import type { Statement, StatementCache } from './sqlite-statements.ts';
import { type ValueReader, valueReaderFor } from './sqlite-values.ts';

function throwIfAborted(signal: AbortSignal | undefined, table: TableRef): void {
  if (signal?.aborted) {
    throw new DataBridgeError('cancelled', `Reading ${qualifiedName(table)} was cancelled`, {
      cause: signal.reason,
    });
  }
}

/** Rows as arrays with integers as bigint, so that nothing above 2^53 is rounded on the way out. */
function rawRows(statement: Statement): Statement {
  return statement.raw(true).safeIntegers(true);
}

/** One reader per result column, from the column's declared type (null for an expression). */
function valueReaders(statement: Statement): ValueReader[] {
  return statement.columns().map((c) => valueReaderFor(c.type));
}

function toRow(stored: unknown, readers: readonly ValueReader[]): Row {
  const row = stored as unknown[];
  for (let i = 0; i < row.length; i++) row[i] = readers[i]!(row[i]);
  return row as Row;
}

/**
 * Reads through the connection's read handle, which in WAL mode sees committed data only and never
 * waits for a load session. better-sqlite3 is synchronous, so `stream` yields to the event loop
 * between batches to keep the runner responsive.
 */
export class SqliteReader implements Reader {
  readonly #db: Database.Database;
  readonly #statements: StatementCache;
  /** Open stream cursors: the handle cannot close while one is open. */
  readonly #cursors = new Set<IterableIterator<unknown>>();
  #closed = false;

  constructor(db: Database.Database, statements: StatementCache) {
    this.#db = db;
    this.#statements = statements;
  }

  /** Ends every open stream (each then fails as `cancelled`) so that the handle can close. */
  closeStreams(): void {
    this.#closed = true;
    for (const cursor of this.#cursors) cursor.return?.();
    this.#cursors.clear();
  }

  async fetch(request: ReadRequest, signal?: AbortSignal): Promise<Row[]> {
    throwIfAborted(signal, request.table);
    const { sql, params } = selectOf(request);
    try {
      const statement = rawRows(this.#statements.get(sql));
      const rows = statement.all(...params);
      // Declared types read after running: a cached statement re-prepares itself if the table changed.
      const readers = valueReaders(statement);
      return rows.map((r) => toRow(r, readers));
    } catch (error) {
      throw toDataBridgeError(error, { action: `Reading ${qualifiedName(request.table)}` });
    }
  }

  /** A statement of its own, iterated `batchSize` rows at a time: memory stays bounded. */
  async *stream(request: ReadRequest, batchSize: number, signal?: AbortSignal): AsyncIterable<Row[]> {
    throwIfAborted(signal, request.table);
    const { sql, params } = selectOf(request);
    const action = `Reading ${qualifiedName(request.table)}`;
    let rows: IterableIterator<unknown>;
    let readers: ValueReader[];
    try {
      const plain = rawRows(this.#db.prepare(sql));
      // The declared types come from the plain statement: a guarded column is an expression.
      readers = valueReaders(plain);
      const guarded = integersGuarded(request);
      rows = guarded
        ? this.#db
            .prepare(selectOf(guarded).sql)
            .raw(true)
            .safeIntegers(false)
            .iterate(...params)
        : plain.iterate(...params);
    } catch (error) {
      throw toDataBridgeError(error, { action });
    }
    this.#cursors.add(rows);
    try {
      let batch: Row[] = [];
      // for...of closes the statement's iterator on break, throw and an early return() alike.
      for (const stored of rows) {
        batch.push(toRow(stored, readers));
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
          await nextTurn();
          throwIfAborted(signal, request.table);
        }
      }
      if (this.#closed) throw new DataBridgeError('cancelled', `${action}: the connection was closed`);
      if (batch.length > 0) yield batch;
    } catch (error) {
      throw toDataBridgeError(error, { action });
    } finally {
      this.#cursors.delete(rows);
    }
  }

  async bounds(table: TableRef, column: string): Promise<{ min: Value; max: Value }> {
    const declared = this.#declaredType(table, column);
    const quoted = quoteIdentifier(column);
    const sql = `SELECT min(${quoted}), max(${quoted}) FROM ${qualify(table)}`;
    try {
      const [min, max] = rawRows(this.#statements.get(sql)).get() as [unknown, unknown];
      const read = valueReaderFor(declared);
      return { min: read(min), max: read(max) };
    } catch (error) {
      throw toDataBridgeError(error, { action: `Reading bounds of ${qualifiedName(table)}.${column}` });
    }
  }

  /** Exact: SQLite keeps no statistics worth estimating from, and count(*) walks the smallest index. */
  async count(table: TableRef, where?: string): Promise<number> {
    const sql = `SELECT count(*) FROM ${qualify(table)}${where ? ` WHERE (${where})` : ''}`;
    try {
      return Number(this.#statements.get(sql).pluck().safeIntegers(true).get());
    } catch (error) {
      throw toDataBridgeError(error, { action: `Counting ${qualifiedName(table)}` });
    }
  }

  #declaredType(table: TableRef, column: string): string {
    const columns = this.#db.pragma(`main.table_xinfo(${quoteIdentifier(table.name)})`) as {
      name: string;
      type: string;
    }[];
    if (columns.length === 0) {
      throw new DataBridgeError('unknown_table', `Table ${qualifiedName(table)} does not exist`);
    }
    const found = columns.find((c) => c.name === column);
    if (!found) {
      throw new DataBridgeError(
        'unknown_column',
        `Column "${column}" does not exist in ${qualifiedName(table)}`,
      );
    }
    return found.type;
  }
}

/** The SELECT of a read request (connectors/keyset-select.ts), its values as better-sqlite3 binds them. */
/**
 * The request with each column read as itself when it holds no integer beyond 2^53, else as its
 * digits (exactly, as text): rows then come with safeIntegers off, integers as plain numbers instead
 * of a BigInt each, which the reader turned back into a number anyway (on the benchmark's SQLite load,
 * BigInts were the largest cost after SQLite's own stepping). Undefined when the request selects an
 * expression, which a CASE would evaluate more than once: that keeps BigInts.
 */
function integersGuarded(request: ReadRequest): ReadRequest | undefined {
  if (!request.select.every((item) => 'column' in item)) return undefined;
  const select = request.select.map((item) => {
    const q = quoteIdentifier((item as { column: string }).column);
    return {
      expression: `CASE WHEN typeof(${q}) = 'integer' AND ${q} NOT BETWEEN ${-SAFE} AND ${SAFE} THEN CAST(${q} AS TEXT) ELSE ${q} END`,
    };
  });
  return { ...request, select };
}

const SAFE = Number.MAX_SAFE_INTEGER;

function selectOf(request: ReadRequest): { sql: string; params: Bindable[] } {
  const { sql, params } = buildKeysetSelect(sqliteDialect, request);
  return { sql, params: params.map(bindable) };
}
