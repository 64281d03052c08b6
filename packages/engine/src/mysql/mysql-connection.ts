import type { Pool } from 'mysql2/promise';
import type {
  Capabilities,
  Checkpoint,
  Connection,
  ConnectOptions,
  SnapshotOptions,
  SourceSnapshot,
} from '../connectors/connection.ts';
import { DEFAULT_STALL_TIMEOUT_MS } from '../connectors/stall-guard.ts';
import { type ConnectionSettings, maskPassword } from '../connectors/url.ts';
import { DataBridgeError } from '../errors.ts';
import type { DatabaseSchema } from '../schema/model.ts';
import type { Value } from '../values.ts';
import { MysqlBulkLoader } from './mysql-bulk-loader.ts';
import { createCheckpointTableSql, readCheckpointsStatement, toCheckpoint } from './mysql-checkpoints.ts';
import { mysqlConnector } from './mysql-connector.ts';
import { MysqlDialect } from './mysql-dialect.ts';
import { type MysqlServer, mapMysqlErrors, toDataBridgeError } from './mysql-errors.ts';
import { MysqlInFlight } from './mysql-in-flight.ts';
import { MysqlIntrospector } from './mysql-introspector.ts';
import { createMysqlPool, SESSION_SQL_MODE } from './mysql-pool.ts';
import { MysqlReader } from './mysql-reader.ts';
import { MysqlSnapshots } from './mysql-snapshot.ts';
import { canonicalTypeCast, toParams } from './mysql-values.ts';

/**
 * Upper bound of one INSERT statement, in characters. On 100k rows, 256 KiB statements loaded about
 * 10% faster than 1 MiB and 15-25% faster than 4 MiB on a local server; 1 MiB keeps the number of
 * round trips to a distant server low at little cost.
 */
const MAX_STATEMENT_CHARS = 1024 * 1024;

interface ServerFacts {
  readonly sqlMode: string;
  readonly maxPacket: number | string;
  readonly localInfile: number | string | boolean;
  readonly version: string;
}

/** A pooled connection to one MySQL or MariaDB database: glue between the pool and each role. */
export class MysqlConnection implements Connection {
  readonly capabilities: Capabilities = mysqlConnector.capabilities;
  readonly dialect: MysqlDialect;
  readonly reader: MysqlReader;
  readonly loader: MysqlBulkLoader;
  private readonly introspector: MysqlIntrospector;
  private readonly inFlight: MysqlInFlight;
  private readonly snapshots: MysqlSnapshots;

  private constructor(
    private readonly pool: Pool,
    private readonly server: MysqlServer,
    readonly displayUrl: string,
    facts: { maxPacket: number; localInfile: boolean },
    settings: ConnectionSettings,
    stallTimeoutMs: number | undefined,
  ) {
    this.inFlight = new MysqlInFlight(pool, settings);
    this.dialect = new MysqlDialect(server.database);
    this.snapshots = new MysqlSnapshots(pool, server);
    this.reader = new MysqlReader(pool, this.dialect, server, this.snapshots, stallTimeoutMs);
    // Each character takes at most 3 bytes of UTF-8; leave room for the statement around the rows.
    const maxStatementChars = Math.min(MAX_STATEMENT_CHARS, Math.floor((facts.maxPacket - 64 * 1024) / 3));
    this.loader = new MysqlBulkLoader(pool, this.dialect, server, {
      maxStatementChars,
      localInfile: facts.localInfile,
      stallTimeoutMs: stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
    });
    this.introspector = new MysqlIntrospector(pool, this.dialect, server);
  }

  /**
   * Opens a pool of `options.poolSize` connections (default 4) and runs `SELECT 1`, so that a wrong
   * host, password or database fails here. Reads max_allowed_packet once, to size INSERT statements.
   */
  static async open(settings: ConnectionSettings, options: ConnectOptions): Promise<MysqlConnection> {
    const server: MysqlServer = {
      host: settings.host,
      port: settings.port,
      user: settings.user,
      database: settings.database,
      mariadb: false,
    };
    const pool = createMysqlPool(settings, options.poolSize ?? 4);
    try {
      const [rows] = await pool.query(
        'SELECT 1 AS ok, @@SESSION.sql_mode AS sqlMode, @@max_allowed_packet AS maxPacket, @@local_infile AS localInfile, VERSION() AS version',
      );
      const facts = (rows as ServerFacts[])[0]!;
      if (!facts.sqlMode.includes('STRICT_ALL_TABLES')) {
        throw new DataBridgeError(
          'internal',
          `Could not set sql_mode ${SESSION_SQL_MODE} (it is ${facts.sqlMode})`,
        );
      }
      const mariadb = /mariadb/i.test(facts.version);
      const limits = { maxPacket: Number(facts.maxPacket), localInfile: Boolean(Number(facts.localInfile)) };
      return new MysqlConnection(
        pool,
        { ...server, mariadb },
        displayUrl(settings),
        limits,
        settings,
        options.stallTimeoutMs,
      );
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw toDataBridgeError(error, `Connecting to ${settings.host}:${settings.port}`, server);
    }
  }

  /** The connected database unless `schemas` names others. */
  introspect(options: { schemas?: readonly string[] } = {}): Promise<DatabaseSchema> {
    return this.introspector.introspect(options.schemas ?? [this.server.database]);
  }

  async query(sql: string, params?: readonly Value[]): Promise<Record<string, unknown>[]> {
    return mapMysqlErrors('Running a query', this.server, async () => {
      const [rows] = await this.pool.query({
        sql,
        ...(params ? { values: toParams(params) } : {}),
        typeCast: canonicalTypeCast,
      });
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    });
  }

  async ensureCheckpointTable(): Promise<void> {
    await this.query(createCheckpointTableSql(this.dialect));
  }

  async readCheckpoints(runId: string): Promise<Checkpoint[]> {
    const { sql, params } = readCheckpointsStatement(this.dialect, runId);
    try {
      return (await this.query(sql, params)).map(toCheckpoint);
    } catch (error) {
      if (error instanceof DataBridgeError && error.code === 'unknown_table') return []; // no run has started here
      throw error;
    }
  }

  cancelInFlight(graceMs: number): Promise<void> {
    return this.inFlight.cancel(graceMs);
  }

  /** One consistent-snapshot transaction per reader, started together (mysql-snapshot.ts). */
  openSnapshot(options: SnapshotOptions): Promise<SourceSnapshot> {
    return this.snapshots.open(options);
  }

  /**
   * Ends the pool; connections whose server does not answer the goodbye within 5 s (a server gone
   * silent) are destroyed, so that closing never hangs the process.
   */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(resolve, 5_000, 'late');
    });
    const ended = this.pool.end().then(
      () => 'ended' as const,
      () => 'ended' as const,
    );
    if ((await Promise.race([ended, late])) === 'late') {
      // mysql2 keeps its connections in a ring queue with no public way to list them.
      const all = (
        this.pool.pool as unknown as {
          _allConnections?: { length: number; get(i: number): { destroy(): void } | undefined };
        }
      )._allConnections;
      const connections = Array.from({ length: all?.length ?? 0 }, (_, i) => all?.get(i));
      for (const connection of connections) connection?.destroy();
    }
    clearTimeout(timer);
  }
}

function displayUrl(settings: ConnectionSettings): string {
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const password = settings.password === undefined ? '' : `:${encodeURIComponent(settings.password)}`;
  const url = `mysql://${encodeURIComponent(settings.user)}${password}@${host}:${settings.port}/${encodeURIComponent(settings.database)}`;
  return maskPassword(url);
}
