import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { Reader, ReadRequest } from '../connectors/connection.ts';
import { DEFAULT_STALL_TIMEOUT_MS } from '../connectors/stall-guard.ts';
import { streamBatches } from '../connectors/stream-batches.ts';
import { DataBridgeError } from '../errors.ts';
import { qualifiedName, type TableRef } from '../schema/model.ts';
import type { Row, Value } from '../values.ts';
import type { MysqlDialect } from './mysql-dialect.ts';
import { cancelled, type MysqlServer, mapMysqlErrors, toDataBridgeError } from './mysql-errors.ts';
import { QueryRows } from './mysql-query-rows.ts';
import { selectStatement } from './mysql-select.ts';
import type { MysqlSnapshots, ReaderLease } from './mysql-snapshot.ts';
import { canonicalTypeCast, type RowFixups, rowFixups, toParams } from './mysql-values.ts';

/** Reads rows as arrays in `select` order, values in their values.ts form. */
export class MysqlReader implements Reader {
  constructor(
    private readonly pool: Pool,
    private readonly dialect: MysqlDialect,
    private readonly server: MysqlServer,
    private readonly snapshots: MysqlSnapshots,
    private readonly stallTimeoutMs = DEFAULT_STALL_TIMEOUT_MS,
  ) {}

  async fetch(request: ReadRequest, signal?: AbortSignal): Promise<Row[]> {
    const action = `Reading ${qualifiedName(request.table)}`;
    if (signal?.aborted) throw cancelled(action);
    const { sql, params } = selectStatement(this.dialect, request);
    const rows = await mapMysqlErrors(action, this.server, async () => {
      const [result] = await this.pool.query({
        sql,
        values: toParams(params),
        rowsAsArray: true,
        typeCast: canonicalTypeCast,
      });
      return result as unknown as Row[];
    });
    if (signal?.aborted) throw cancelled(action);
    return rows;
  }

  /**
   * Streams through mysql2's row stream on a connection of its own: when the consumer falls behind,
   * the stream pauses the socket and the server waits, so memory holds a few batches at most. Stopping
   * early or aborting destroys that connection (the server would otherwise send the rest of the
   * table); a stream read to the end gives it back to the pool.
   *
   * mysql2 never ends nor fails a streaming query whose connection dies (KILL, a server restart, a
   * reset socket): it only tells the connection. So the stream listens on the connection, and gives
   * up on a server that sends nothing for `stallTimeoutMs` (a half-open socket says nothing at all).
   *
   * With `request.snapshot`, it reads on one of that snapshot's connections, inside its transaction.
   */
  async *stream(request: ReadRequest, batchSize: number, signal?: AbortSignal): AsyncGenerator<Row[]> {
    const action = `Reading ${qualifiedName(request.table)}`;
    if (signal?.aborted) throw cancelled(action);
    const { sql, params } = selectStatement(this.dialect, request);
    const lease = await mapMysqlErrors(action, this.server, () =>
      request.snapshot ? this.snapshots.lease(request.snapshot) : this.borrow(),
    );
    const { connection } = lease;
    const query = connection.query({ sql, values: toParams(params), rowsAsArray: true });
    let fixups: RowFixups = { spatial: false };
    // mysql2 emits the columns just before it compiles the row parser from this query's options: a
    // spatial column switches this one query to canonicalTypeCast, which keeps the server's bytes.
    query.once('fields', (fields: Parameters<typeof rowFixups>[0]) => {
      fixups = rowFixups(fields);
      if (fixups.spatial)
        (query as unknown as { options: { typeCast: unknown } }).options.typeCast = canonicalTypeCast;
    });
    const rows = new QueryRows(query, connection);
    const onAbort = () => {
      rows.destroy(cancelled(action));
      connection.destroy();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const onLost = (error?: Error) => rows.destroy(error ?? connectionLost());
    const onEnd = () => onLost();
    connection.once('error', onLost);
    connection.once('end', onEnd);
    if (signal?.aborted) onAbort(); // aborted while a connection was being borrowed
    let finished = false;
    const stalled = () =>
      new DataBridgeError(
        'transient',
        `${action}: the server sent nothing for ${Math.round(this.stallTimeoutMs / 1000)} s; the connection is taken for lost`,
      );
    try {
      for await (const batch of streamBatches<Row>(rows, batchSize, this.stallTimeoutMs, stalled)) {
        if (signal?.aborted) throw cancelled(action);
        if (fixups.apply && !fixups.spatial) fixups.apply(batch as unknown[][]);
        yield batch;
      }
      if (signal?.aborted) throw cancelled(action);
      finished = true;
    } catch (error) {
      throw signal?.aborted ? cancelled(action) : toDataBridgeError(error, action, this.server);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      connection.off('error', onLost);
      connection.off('end', onEnd);
      if (finished) lease.done();
      else lease.lost();
    }
  }

  async bounds(table: TableRef, column: string): Promise<{ min: Value; max: Value }> {
    const c = this.dialect.quoteIdentifier(column);
    const sql = `SELECT MIN(${c}), MAX(${c}) FROM ${this.dialect.qualify(table)}`;
    const [row] = await this.arrays(`Reading bounds of ${qualifiedName(table)}.${column}`, sql);
    return { min: row?.[0] ?? null, max: row?.[1] ?? null };
  }

  async count(table: TableRef, where?: string): Promise<number> {
    const filter = where ? ` WHERE (${where})` : '';
    const [row] = await this.arrays(
      `Counting ${qualifiedName(table)}`,
      `SELECT COUNT(*) FROM ${this.dialect.qualify(table)}${filter}`,
    );
    return Number(row?.[0] ?? 0);
  }

  private async arrays(action: string, sql: string): Promise<Row[]> {
    return mapMysqlErrors(action, this.server, async () => {
      const [rows] = await this.pool.query<RowDataPacket[]>({
        sql,
        rowsAsArray: true,
        typeCast: canonicalTypeCast,
      });
      return rows as unknown as Row[];
    });
  }

  /** A core (callback) connection of the pool, whose queries can stream. */
  private async borrow(): Promise<ReaderLease> {
    const connection = await this.snapshots.borrow();
    return { connection, done: () => connection.release(), lost: () => connection.destroy() };
  }
}

/** What mysql2 itself says of a connection the server closed, so that it classifies the same way. */
function connectionLost(): Error {
  return Object.assign(new Error('Connection lost: The server closed the connection.'), {
    code: 'PROTOCOL_CONNECTION_LOST',
    fatal: true,
  });
}
