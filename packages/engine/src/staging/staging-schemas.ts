import pg from 'pg';
import { maskPassword } from '../connectors/url.ts';
import { DataBridgeError, messageOf } from '../errors.ts';
import type { StagingDatabase } from './staging-config.ts';

/** Every staging schema starts so; `list` and `drop` touch no other schema of the database. */
export const STAGING_SCHEMA_PREFIX = 'databridge_stage_';

/** What a staging database holds for one run. */
export interface HeldStaging {
  readonly schema: string;
  /** Tables in the schema. */
  readonly tables: number;
  /** Bytes on disk of its tables, indexes and TOAST. */
  readonly bytes: number;
}

/**
 * The schema of a run in the staging database: `databridge_stage_<run id>`, lower case, anything
 * but letters and digits as `_`, so that it needs no quoting and fits PostgreSQL's 63 bytes.
 */
export function stagingSchemaName(runId: string): string {
  const id = runId.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  return `${STAGING_SCHEMA_PREFIX}${id}`.slice(0, 63);
}

/** Creates the run's schema if it is not there yet (a resume finds it); returns its name. */
export async function createStagingSchema(staging: StagingDatabase, runId: string): Promise<string> {
  const schema = stagingSchemaName(runId);
  await withStaging(staging, (c) => c.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`));
  return schema;
}

/** The runs' schemas the staging database holds, by name, with their sizes. */
export async function listStagingSchemas(staging: StagingDatabase): Promise<HeldStaging[]> {
  return withStaging(staging, async (c) => {
    const { rows } = await c.query<{ schema: string; tables: string; bytes: string }>(
      `SELECT n.nspname AS schema,
              count(t.oid) FILTER (WHERE t.relkind IN ('r', 'p')) AS tables,
              coalesce(sum(pg_total_relation_size(t.oid)) FILTER (WHERE t.relkind IN ('r', 'p')), 0) AS bytes
         FROM pg_namespace n
         LEFT JOIN pg_class t ON t.relnamespace = n.oid
        WHERE starts_with(n.nspname, $1)
        GROUP BY n.nspname
        ORDER BY n.nspname`,
      [STAGING_SCHEMA_PREFIX],
    );
    return rows.map((r) => ({ schema: r.schema, tables: Number(r.tables), bytes: Number(r.bytes) }));
  });
}

/**
 * Drops a run's staging schema with everything in it. Returns false when there was none. Takes a run
 * id or the schema's full name, as `databridge staging list` prints it.
 */
export async function dropStagingSchema(staging: StagingDatabase, run: string): Promise<boolean> {
  const schema = run.startsWith(STAGING_SCHEMA_PREFIX) ? run : stagingSchemaName(run);
  return withStaging(staging, async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (!rowCount) return false;
    await c.query(`DROP SCHEMA "${schema.replaceAll('"', '""')}" CASCADE`);
    return true;
  });
}

/** One short-lived connection to the staging database; a server that does not answer names the setting. */
async function withStaging<T>(staging: StagingDatabase, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: staging.url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new DataBridgeError(
      'connection_failed',
      `the staging database ${maskPassword(staging.url)} did not answer (${messageOf(error)}): check ${staging.from}`,
      { cause: error },
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
