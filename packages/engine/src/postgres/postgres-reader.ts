import { PassThrough, type Readable } from 'node:stream';
import type pg from 'pg';
import type { InDatabaseHash, Reader, ReadRequest } from '../connectors/connection.ts';
import { buildKeysetSelect, type SelectStatement } from '../connectors/keyset-select.ts';
import { DEFAULT_STALL_TIMEOUT_MS } from '../connectors/stall-guard.ts';
import { DataBridgeError } from '../errors.ts';
import { type NormalisedType, qualifiedName, type TableRef } from '../schema/model.ts';
import type { Row, Value } from '../values.ts';
import { copyOutQuery } from './copy-out-stream.ts';
import { CANONICAL_IN_SQL, canonicalRowSql } from './postgres-checksum.ts';
import type { PostgresDialect } from './postgres-dialect.ts';
import { mapPgErrors, toDataBridgeError } from './postgres-errors.ts';
import { literal } from './postgres-select.ts';

const CURSOR = 'databridge_read';

/** `format_type` names whose values `hashesValues` hashes one by one (see there). */
const VALUE_HASHED =
  /^(smallint|integer|bigint|boolean|text|bytea|date|uuid|jsonb|numeric(\(\d+(,\d+)?\))?|character varying(\(\d+\))?|character(\(\d+\))?|time(\(\d\))? without time zone|timestamp(\(\d\))? with(out)? time zone)$/;
const TEXT_TYPE = /^(text|character varying|character)\b/;

function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) {
    throw new DataBridgeError('cancelled', `${what} was cancelled`, { cause: signal.reason });
  }
}

/** Reads rows as arrays of canonical values (values.ts), always with bind parameters. */
export class PostgresReader implements Reader {
  constructor(
    private readonly pool: pg.Pool,
    private readonly dialect: PostgresDialect,
    private readonly stallTimeoutMs = DEFAULT_STALL_TIMEOUT_MS,
  ) {}

  async fetch(request: ReadRequest, signal?: AbortSignal): Promise<Row[]> {
    const action = `Reading ${qualifiedName(request.table)}`;
    throwIfAborted(signal, action);
    const { sql: text, params: values } = buildKeysetSelect(this.dialect, request);
    const result = await mapPgErrors(action, () => this.pool.query<Row>({ text, values, rowMode: 'array' }));
    throwIfAborted(signal, action);
    return result.rows;
  }

  /**
   * Declares a server-side cursor in a read-only transaction on its own pooled connection and FETCHes
   * `batchSize` rows at a time, so memory holds one batch whatever the table's size. Stopping early
   * (break, an error, or `signal` aborting between batches) closes the cursor and frees the connection.
   */
  async *stream(request: ReadRequest, batchSize: number, signal?: AbortSignal): AsyncIterable<Row[]> {
    const action = `Streaming ${qualifiedName(request.table)}`;
    throwIfAborted(signal, action);
    const { sql: text, params: values } = buildKeysetSelect(this.dialect, request);
    const size = Math.max(1, Math.floor(batchSize));
    const fetch = `FETCH FORWARD ${size} FROM ${CURSOR}`;
    const client = await mapPgErrors(action, () => this.pool.connect());
    try {
      if (request.snapshot) {
        // Every reader of a staged extract sees the source as the exporting transaction saw it.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await client.query(`SET TRANSACTION SNAPSHOT ${snapshotLiteral(request.snapshot)}`);
      } else await client.query('BEGIN READ ONLY');
      await client.query(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${text}`, values);
      for (;;) {
        throwIfAborted(signal, action);
        const batch = await untilStalled(
          client.query<Row>({ text: fetch, rowMode: 'array' }),
          this.stallTimeoutMs,
          () => cutOff(client),
        );
        if (batch.rows.length > 0) yield batch.rows;
        if (batch.rows.length < size) break;
      }
    } catch (error) {
      throw toDataBridgeError(error, action);
    } finally {
      await endReadTransaction(client);
    }
  }

  async bounds(table: TableRef, column: string): Promise<{ min: Value; max: Value }> {
    const c = this.dialect.quoteIdentifier(column);
    const text = `SELECT min(${c}), max(${c}) FROM ${this.dialect.qualify(table)}`;
    const result = await mapPgErrors(`Reading the bounds of ${qualifiedName(table)}.${column}`, () =>
      this.pool.query<Row>({ text, rowMode: 'array' }),
    );
    const [min = null, max = null] = result.rows[0] ?? [];
    return { min, max };
  }

  async count(table: TableRef, where?: string): Promise<number> {
    const filter = where ? ` WHERE (${where})` : '';
    const text = `SELECT count(*) FROM ${this.dialect.qualify(table)}${filter}`;
    const result = await mapPgErrors(`Counting ${qualifiedName(table)}`, () =>
      this.pool.query<Row>({ text, rowMode: 'array' }),
    );
    return Number(result.rows[0]?.[0] ?? 0);
  }

  /**
   * Both sides PostgreSQL with the same native types: each row's text hashed by the server with
   * hashtextextended (the 64-bit hash behind hash partitioning, stable across versions since 11;
   * 2.5 times faster than md5 here: 0.94 s against 2.31 s over 2M rows) and summed as numeric (no
   * overflow), plus the count.
   */
  checksumInDatabase(
    request: ReadRequest,
    hash: InDatabaseHash = { form: 'row_text' },
  ): Promise<{ rows: number; digest: string }> {
    if (hash.form === 'row_text')
      return this.#sumHashes(
        request.table,
        buildKeysetSelect(this.dialect, request),
        'hashtextextended(r::text, 0)',
      );
    // Text hashes under its collation, which may be nondeterministic (case-insensitive ICU): under "C"
    // every byte counts, as in the row's text.
    const select = request.select.map((item, i) =>
      'column' in item && TEXT_TYPE.test(hash.nativeTypes[i] ?? '')
        ? { expression: `${this.dialect.quoteIdentifier(item.column)} COLLATE "C"` }
        : item,
    );
    const statement = buildKeysetSelect(this.dialect, { ...request, select });
    // hash_record_extended combines the values' hashes linearly (h * 31 + next): summed over rows, that
    // is a sum per column, blind to values swapped between rows. Hashing it again mixes the row.
    return this.#sumHashes(request.table, statement, 'hashint8extended(hash_record_extended(r, 0), 0)');
  }

  /**
   * PostgreSQL 14 added hash_record_extended: each value hashed by its type's extended hash function
   * (those hash partitioning relies on, stable across versions) and combined in column order, without
   * printing the row: 1.1-1.45 s against 2.7-3.0 s for the text form over the benchmark's 2M orders.
   * Only types whose hash tells apart every value their text tells apart qualify: not floats (-0 and
   * 0 hash alike), intervals ('1 day' and '24 hours'), enums (the hash is of the label's OID, which
   * differs between databases), nor types without a hash function (json, geometric types).
   */
  async hashesValues(nativeTypes: readonly string[]): Promise<boolean> {
    if (!nativeTypes.every((t) => VALUE_HASHED.test(t))) return false;
    this.#versionNum ??= this.pool
      .query<{ v: string }>("SELECT current_setting('server_version_num') AS v")
      .then(
        (r) => Number(r.rows[0]?.v ?? 0),
        () => 0,
      );
    return (await this.#versionNum) >= 140000;
  }

  #versionNum: Promise<number> | undefined;

  /**
   * The checksum run/checksum.ts computes in PostgreSQL mode, summed by the server: each row's
   * canonical text hashed with hashtextextended, summed as numeric. Undefined when a column's type has
   * no exact SQL form.
   */
  readonly canonicalChecksumTypes = CANONICAL_IN_SQL;

  async checksumCanonical(
    request: ReadRequest,
    columns: readonly { name: string; type: NormalisedType }[],
  ): Promise<{ rows: number; digest: string }> {
    const unsupported = columns.find((c) => !CANONICAL_IN_SQL.has(c.type));
    if (unsupported) throw new DataBridgeError('internal', `no canonical SQL form for ${unsupported.type}`);
    const { select: _select, ...rest } = request;
    const select = buildKeysetSelect(this.dialect, {
      ...rest,
      select: [{ expression: `${canonicalRowSql(this.dialect, columns)} AS t` }],
    });
    return this.#sumHashes(request.table, select, 'hashtextextended(r.t, 0)');
  }

  /** The row count and the exact sum of `rowHash` (a bigint) over the rows `r` of `select`. */
  async #sumHashes(
    table: TableRef,
    select: SelectStatement,
    rowHash: string,
  ): Promise<{ rows: number; digest: string }> {
    // sum(bigint) is exact (a numeric result) and adds in 128-bit integers, faster than numeric adds.
    const sql = `SELECT count(*)::text, coalesce(sum(${rowHash}), 0)::text FROM (${select.sql}) r`;
    const result = await mapPgErrors(`Checksumming ${qualifiedName(table)}`, () =>
      this.pool.query<Row>({ text: sql, values: select.params, rowMode: 'array' }),
    );
    const [n = '0', sum = '0'] = result.rows[0] ?? [];
    return { rows: Number(n), digest: String(sum) };
  }

  copyOutText(request: ReadRequest): Readable {
    return this.copyOut(buildKeysetSelect(this.dialect, request, { inline: literal }).sql);
  }

  /** The rows of a request as binary COPY, for a pass-through into the very same column types. */
  copyOutBinary(request: ReadRequest): Readable {
    return this.copyOut(buildKeysetSelect(this.dialect, request, { inline: literal }).sql, 'binary');
  }

  /**
   * For the PostgreSQL-to-PostgreSQL fast path: the rows of `sql` as COPY text (or binary), streamed
   * from a pooled connection that is released when the stream ends, fails or is destroyed.
   */
  copyOut(sql: string, format: 'text' | 'binary' = 'text'): Readable {
    // Object mode: the COPY's buffers (whole rows each) go on as they are, never joined into new ones;
    // four of them (one socket read each, up to 64 kB) wait at most.
    const out = new PassThrough({ objectMode: true, highWaterMark: 4 });
    this.pool.connect().then(
      (client) => {
        let released = false;
        const release = (error?: Error) => {
          if (!released) client.release(error);
          released = true;
        };
        const options = format === 'binary' ? ' (FORMAT binary)' : '';
        const source = client.query(copyOutQuery(`COPY (${sql}) TO STDOUT${options}`));
        source.on('end', () => release());
        source.on('error', (error) => {
          release(error);
          out.destroy(toDataBridgeError(error, 'Copying rows out'));
        });
        // A COPY cut short leaves the connection mid-protocol: release it with an error so pg discards it.
        out.on('close', () => {
          if (released) return;
          source.destroy();
          release(new Error('COPY TO STDOUT was not read to its end'));
        });
        source.pipe(out);
      },
      (error: unknown) => out.destroy(toDataBridgeError(error, 'Copying rows out')),
    );
    return out;
  }
}

/**
 * `work`, unless it takes longer than `ms`: then `onStall` runs (it cuts the connection, which makes
 * pg reject `work` with "Connection terminated", a transient error) and the wait goes on for that.
 */
async function untilStalled<T>(work: Promise<T>, ms: number, onStall: () => void): Promise<T> {
  const timer = setTimeout(onStall, ms);
  try {
    return await work;
  } finally {
    clearTimeout(timer);
  }
}

/** Destroys the client's socket: a server silent this long is taken for gone (stall-guard.ts). */
function cutOff(client: pg.PoolClient): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** Ends the cursor's transaction; a connection that cannot even roll back is discarded, not reused. */
/** A snapshot id as `pg_export_snapshot()` returns it (hex groups), as a literal: no other text passes. */
function snapshotLiteral(id: string): string {
  if (!/^[0-9A-F]+(-[0-9A-F]+)+$/i.test(id)) throw new Error(`not a snapshot id: ${id}`);
  return `'${id}'`;
}

async function endReadTransaction(client: pg.PoolClient): Promise<void> {
  try {
    await client.query('ROLLBACK');
    client.release();
  } catch (error) {
    client.release(error instanceof Error ? error : new Error(String(error)));
  }
}
