import pg from 'pg';
import { maskPassword } from '../connectors/url.ts';
import { DataBridgeError, messageOf } from '../errors.ts';
import type { StagingDatabase } from './staging-config.ts';
import {
  forgetOldDrops,
  LEDGER_TABLE,
  type LedgerEntry,
  readLedger,
  recordDropped,
  type StagingSql,
} from './staging-ledger.ts';
import { expiredRuns, type HeldRun, type HeldRunState, type RetentionLimits } from './staging-retention.ts';

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
 * Drops a run's staging schema with everything in it, and its checkpoints in the staging database,
 * and records why in the ledger (a retry of that run then says its rows are gone). Returns false when
 * there was none. Takes a run id or the schema's full name, as `databridge staging list` prints it.
 */
export async function dropStagingSchema(
  staging: StagingDatabase,
  run: string,
  why = 'dropped by hand',
): Promise<boolean> {
  const schema = run.startsWith(STAGING_SCHEMA_PREFIX) ? run : stagingSchemaName(run);
  return withStaging(staging, async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (!rowCount) return false;
    const sql = sqlOf(c);
    const entry = (await readLedger(sql)).find((e) => e.schema === schema);
    await dropSchema(sql, schema, entry?.runId ?? runIdOf(schema), why);
    return true;
  });
}

/** A schema held in the staging database, with what the ledger knows of its run (null: nothing). */
export interface StagedSchema extends HeldStaging {
  readonly run: LedgerEntry | null;
}

/** The runs' schemas the staging database holds, with their sizes and ledger entries. */
export async function heldStaging(staging: StagingDatabase): Promise<StagedSchema[]> {
  const held = await listStagingSchemas(staging);
  const ledger = await withStaging(staging, (c) => readLedger(sqlOf(c)));
  const bySchema = new Map(ledger.map((e) => [e.schema, e]));
  return held.map((h) => ({ ...h, run: bySchema.get(h.schema) ?? null }));
}

/** Where a run stands, as a metadata store knows it (the server's executions); overrides the ledger. */
export interface KnownRun {
  readonly state: HeldRunState;
  readonly endedAt: Date | null;
  readonly project?: string;
}

export interface PruneOptions extends RetentionLimits {
  /** The metadata store's word on a run, when it has one (a server's executions); else the ledger's. */
  readonly stateOf?: (runId: string) => Promise<KnownRun | undefined>;
}

/** A schema the retention dropped, and why. */
export interface PrunedStaging {
  readonly schema: string;
  readonly runId: string;
  readonly why: string;
}

/** The retention's view of each held schema: the ledger's record, overridden by what the store knows. */
export async function heldRuns(
  held: readonly StagedSchema[],
  stateOf?: PruneOptions['stateOf'],
): Promise<(HeldRun & { readonly runId: string; readonly touchedAt: Date | null })[]> {
  return Promise.all(
    held.map(async (h) => {
      const entry = h.run;
      const runId = entry?.runId ?? runIdOf(h.schema);
      const known = stateOf ? await stateOf(runId) : undefined;
      const ledgerState = !entry || entry.state === 'dropped' ? 'unknown' : entry.state;
      const state = known?.state ?? ledgerState;
      // A paused run has no end: it has been idle since the ledger last heard of it.
      const endedAt =
        known?.endedAt ?? entry?.endedAt ?? (state === 'paused' ? (entry?.touchedAt ?? null) : null);
      return {
        schema: h.schema,
        runId,
        project: known?.project ?? entry?.project ?? null,
        state,
        endedAt: state === 'running' ? null : endedAt,
        keep: entry?.keep ?? null,
        touchedAt: entry?.touchedAt ?? null,
      };
    }),
  );
}

/**
 * Drops the schemas whose retention has run out at `now` (staging-retention.ts), and nothing else:
 * never a running run's, never one the ledger does not know. Each drop re-reads the run's ledger row
 * under a lock first: a run that started again since (a retry) keeps its schema.
 */
export async function pruneStaging(
  staging: StagingDatabase,
  now: Date,
  options: PruneOptions = {},
): Promise<PrunedStaging[]> {
  const runs = await heldRuns(await heldStaging(staging), options.stateOf);
  const expired = expiredRuns(runs, now, options);
  return withStaging(staging, async (c) => {
    const sql = sqlOf(c);
    const pruned: PrunedStaging[] = [];
    for (const { run, why } of expired) {
      const { runId, touchedAt } = run as (typeof runs)[number];
      await c.query('BEGIN');
      try {
        const { rows } = await c.query<{ state: string; touched_at: Date }>(
          `SELECT state, touched_at FROM ${LEDGER_TABLE} WHERE schema_name = $1 FOR UPDATE`,
          [run.schema],
        );
        // Recorded again since it was read (a retry started, a run ended): decided on stale facts.
        const row = rows[0];
        if (row && (touchedAt === null || row.touched_at.getTime() !== touchedAt.getTime())) {
          await c.query('ROLLBACK');
          continue;
        }
        await dropSchema(sql, run.schema, runId, `retention: ${why}`);
        await c.query('COMMIT');
        pruned.push({ schema: run.schema, runId, why });
      } catch (error) {
        await c.query('ROLLBACK').catch(() => {});
        throw error;
      }
    }
    await forgetOldDrops(sql, now);
    return pruned;
  });
}

/** Rows a staged extract has copied into staging so far, by the run's task id (its checkpoints there). */
export async function stagedRowCounts(
  staging: StagingDatabase,
  runId: string,
): Promise<Map<string, { readonly rows: number; readonly done: boolean }>> {
  return withStaging(staging, async (c) => {
    const sql = sqlOf(c);
    const [table] = await sql(
      `SELECT to_regclass('"public"."_databridge_checkpoints"') IS NOT NULL AS present`,
    );
    if (!table?.present) return new Map();
    // The extract's checkpoints are `stage:<task id>` (staged-extract.ts), beside the loads' own.
    const rows = await sql(
      `SELECT substr(task_id, 7) AS task_id, rows_written, done FROM "public"."_databridge_checkpoints"
        WHERE run_id = $1 AND starts_with(task_id, 'stage:')`,
      [runId],
    );
    return new Map(
      rows.map((r) => [String(r.task_id), { rows: Number(r.rows_written), done: r.done === true }]),
    );
  });
}

/** The run id a schema's name carries (lower case, `-` as `_`): the best guess without a ledger row. */
function runIdOf(schema: string): string {
  const id = schema.slice(STAGING_SCHEMA_PREFIX.length);
  // An execution's id is a UUID, whose dashes the schema name turned into underscores.
  const uuid = /^([0-9a-f]{8})_([0-9a-f]{4})_([0-9a-f]{4})_([0-9a-f]{4})_([0-9a-f]{12})$/.exec(id);
  return uuid ? uuid.slice(1).join('-') : id;
}

async function dropSchema(sql: StagingSql, schema: string, runId: string, why: string): Promise<void> {
  await sql(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`);
  // The staged extract's checkpoints (postgres-checkpoints.ts) would otherwise outlive their rows.
  const [table] = await sql(
    `SELECT to_regclass('"public"."_databridge_checkpoints"') IS NOT NULL AS present`,
  );
  if (table?.present) await sql('DELETE FROM "public"."_databridge_checkpoints" WHERE run_id = $1', [runId]);
  await recordDropped(sql, schema, why, runId);
}

function sqlOf(client: pg.Client): StagingSql {
  return async (text, params) => (await client.query(text, params as unknown[] | undefined)).rows;
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
