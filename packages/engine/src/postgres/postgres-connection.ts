import type pg from 'pg';
import type {
  Capabilities,
  Checkpoint,
  Connection,
  ConnectOptions,
  SourceSnapshot,
} from '../connectors/connection.ts';
import { type ConnectionSettings, maskPassword } from '../connectors/url.ts';
import type { DatabaseSchema } from '../schema/model.ts';
import type { Value } from '../values.ts';
import { PostgresBulkLoader } from './postgres-bulk-loader.ts';
import {
  CREATE_CHECKPOINT_TABLE_SQL,
  checkpointFromRow,
  READ_CHECKPOINTS_SQL,
} from './postgres-checkpoints.ts';
import { postgresConnector } from './postgres-connector.ts';
import { PostgresDialect } from './postgres-dialect.ts';
import { mapPgErrors, type ServerLabel, toDataBridgeError } from './postgres-errors.ts';
import { PostgresForeignKeys } from './postgres-foreign-keys.ts';
import { PostgresInFlight } from './postgres-in-flight.ts';
import { PostgresIntrospector } from './postgres-introspector.ts';
import { createPool } from './postgres-pool.ts';
import { PostgresReader } from './postgres-reader.ts';
import { refuseMetadataStore } from './postgres-store-guard.ts';

/** The URL a connection was opened with, password masked; query options naming a password are left out. */
function displayUrlOf(settings: ConnectionSettings): string {
  const enc = encodeURIComponent;
  const password = settings.password === undefined ? '' : `:${enc(settings.password)}`;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  const options = Object.entries(settings.options).filter(([key]) => !/pass/i.test(key));
  const query = options.length > 0 ? `?${new URLSearchParams(options)}` : '';
  const url = `postgres://${enc(settings.user)}${password}@${host}:${settings.port}/${enc(settings.database)}${query}`;
  return maskPassword(url);
}

/** A pooled PostgreSQL connection: glue between the pool and one object per role. */
export class PostgresConnection implements Connection {
  readonly dialect = new PostgresDialect();
  readonly capabilities: Capabilities = postgresConnector.capabilities;
  readonly displayUrl: string;
  readonly reader: PostgresReader;
  readonly loader: PostgresBulkLoader;
  readonly foreignKeys: PostgresForeignKeys;
  private readonly introspector: PostgresIntrospector;
  private readonly inFlight: PostgresInFlight;

  private constructor(
    private readonly pool: pg.Pool,
    settings: ConnectionSettings,
    stallTimeoutMs?: number,
  ) {
    this.displayUrl = displayUrlOf(settings);
    this.reader = new PostgresReader(pool, this.dialect, stallTimeoutMs);
    this.loader = new PostgresBulkLoader(pool, this.dialect, stallTimeoutMs);
    this.introspector = new PostgresIntrospector(pool, this.dialect);
    this.foreignKeys = new PostgresForeignKeys(pool, this.dialect);
    this.inFlight = new PostgresInFlight(pool);
  }

  /**
   * Opens a pool of `options.poolSize` connections (default 4) and runs `SELECT 1`, so that a wrong
   * host, password or database fails here, as connection_failed, auth_failed or bad_url.
   */
  static async open(settings: ConnectionSettings, options: ConnectOptions): Promise<PostgresConnection> {
    const pool = createPool(settings, options);
    const server: ServerLabel = settings;
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      await pool.end().catch(() => {});
      throw toDataBridgeError(error, 'Connecting', server);
    }
    const storeUrl = options.sqliteFolder?.postgresStoreUrl;
    if (storeUrl) {
      try {
        await refuseMetadataStore(pool, storeUrl);
      } catch (error) {
        await pool.end().catch(() => {});
        throw toDataBridgeError(error, 'Connecting', server);
      }
    }
    return new PostgresConnection(pool, settings, options.stallTimeoutMs);
  }

  introspect(options?: { schemas?: readonly string[] }): Promise<DatabaseSchema> {
    return this.introspector.introspect(options);
  }

  async query(sql: string, params: readonly Value[] = []): Promise<Record<string, unknown>[]> {
    const result = await mapPgErrors('Running a query', () => this.pool.query(sql, [...params]));
    // Several statements (a hook script) answer with one result each: the last one's rows count.
    const last = Array.isArray(result) ? result[result.length - 1] : result;
    return last?.rows ?? [];
  }

  /** Creates `public._databridge_checkpoints` if it does not exist yet. */
  async ensureCheckpointTable(): Promise<void> {
    await mapPgErrors('Creating the checkpoint table', async () => {
      try {
        await this.pool.query(CREATE_CHECKPOINT_TABLE_SQL);
      } catch (error) {
        // Two processes racing through IF NOT EXISTS: the loser sees the winner's table or type.
        if ((error as { code?: string }).code !== '23505') throw error;
      }
    });
  }

  /** The run's checkpoints ordered by task id; none when the checkpoint table does not exist yet. */
  async readCheckpoints(runId: string): Promise<Checkpoint[]> {
    return mapPgErrors('Reading checkpoints', async () => {
      try {
        return (await this.pool.query(READ_CHECKPOINTS_SQL, [runId])).rows.map(checkpointFromRow);
      } catch (error) {
        if ((error as { code?: string }).code === '42P01') return [];
        throw error;
      }
    });
  }

  cancelInFlight(graceMs: number): Promise<void> {
    return this.inFlight.cancel(graceMs);
  }

  /**
   * `pg_export_snapshot()` in a REPEATABLE READ transaction held on one pooled connection until
   * release; every reader imports it (postgres-reader.ts), however many there are.
   */
  async openSnapshot(): Promise<SourceSnapshot> {
    return mapPgErrors('Exporting a snapshot of the source', async () => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const { rows } = await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id');
        let released = false;
        return {
          id: rows[0]!.id,
          kind: 'one_snapshot',
          withoutSnapshot: [],
          release: async () => {
            if (released) return;
            released = true;
            await client.query('COMMIT').catch(() => {});
            client.release();
          },
        };
      } catch (error) {
        client.release(error instanceof Error ? error : new Error(String(error)));
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
