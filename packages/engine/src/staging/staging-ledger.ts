import { DataBridgeError } from '../errors.ts';
import type { KeepStaging } from './staging-retention.ts';

/**
 * The staging database's own record of the runs it holds, one row per run's schema: whose run
 * (the spec's name, the project's in a server), what state it was last left in, when it ended and
 * how long its spec asked to keep it. Kept in the staging database itself rather than in a metadata
 * store, so that every process that stages (CLI runs, any worker) and every pruner (the scheduler's
 * tick, `databridge staging prune`) reads the same record. A row outlives its schema as `dropped`,
 * with why, so that a retry of a run whose rows were pruned says so instead of staging nothing.
 */
export const LEDGER_TABLE = '"public"."databridge_staging_runs"';

/** Where a run's schema stands, as the ledger last heard it. */
export type LedgerState = 'running' | 'completed' | 'failed' | 'cancelled' | 'paused' | 'dropped';

export interface LedgerEntry {
  readonly schema: string;
  readonly runId: string;
  readonly project: string;
  readonly state: LedgerState;
  readonly keep: KeepStaging | null;
  readonly startedAt: Date;
  /** The last time the run was recorded running or ending: how long a paused run has been idle. */
  readonly touchedAt: Date;
  readonly endedAt: Date | null;
  readonly droppedAt: Date | null;
  readonly droppedWhy: string | null;
}

/** Any way to send one statement to the staging database (a pg.Client, a run's Connection). */
export type StagingSql = (sql: string, params?: readonly unknown[]) => Promise<Record<string, unknown>[]>;

const CREATE = `CREATE TABLE IF NOT EXISTS ${LEDGER_TABLE} (
  schema_name text PRIMARY KEY,
  run_id text NOT NULL,
  project text NOT NULL,
  state text NOT NULL,
  keep jsonb,
  started_at timestamptz NOT NULL DEFAULT now(),
  touched_at timestamptz NOT NULL DEFAULT now(),
  ended_at timestamptz,
  dropped_at timestamptz,
  dropped_why text
)`;

/** Creates the ledger when missing; two processes racing to create it both go on. */
export async function ensureLedger(sql: StagingSql): Promise<void> {
  try {
    await sql(CREATE);
  } catch (error) {
    // 23505/42P07: the other process created it between our check and our CREATE.
    const code = (error as { code?: unknown }).code;
    if (code !== '23505' && code !== '42P07') throw error;
  }
}

/**
 * Records that a run is (again) running in `schema`. A run whose schema the retention or a person
 * dropped cannot go on: its staged rows are gone, and staging them again would read the source at
 * another moment than the rows already loaded, so the retry fails here, saying so and what to do.
 */
export async function recordRunning(
  sql: StagingSql,
  run: {
    readonly runId: string;
    readonly schema: string;
    readonly project: string;
    readonly keep?: KeepStaging;
  },
): Promise<void> {
  await ensureLedger(sql);
  // The update skips a dropped row, so a retry racing the retention either wins (the pruner then
  // sees it running and keeps the schema) or finds the row dropped and stops here.
  const kept = await sql(
    `INSERT INTO ${LEDGER_TABLE} AS l (schema_name, run_id, project, state, keep)
     VALUES ($1, $2, $3, 'running', $4)
     ON CONFLICT (schema_name) DO UPDATE
       SET state = 'running', ended_at = NULL, touched_at = now(), keep = EXCLUDED.keep, project = EXCLUDED.project
       WHERE l.state <> 'dropped'
     RETURNING state`,
    [run.schema, run.runId, run.project, run.keep ? JSON.stringify(run.keep) : null],
  );
  if (kept.length > 0) return;
  const [gone] = await sql(`SELECT dropped_at, dropped_why FROM ${LEDGER_TABLE} WHERE schema_name = $1`, [
    run.schema,
  ]);
  const when = time(gone?.dropped_at)?.toISOString() ?? 'an earlier time';
  throw new DataBridgeError(
    'staging_gone',
    `run ${run.runId} cannot go on: its staged rows were dropped from the staging database at ${when} (${String(gone?.dropped_why ?? 'dropped')}), and a retry or resume loads only from them. Start a new run instead: it extracts from the source again.`,
  );
}

/** Records how a run ended (or paused) and when; the retention counts its time from `at`. */
export async function recordEnded(
  sql: StagingSql,
  schema: string,
  state: Exclude<LedgerState, 'running' | 'dropped'>,
  at: Date = new Date(),
): Promise<void> {
  await ensureLedger(sql);
  await sql(
    `UPDATE ${LEDGER_TABLE} SET state = $2, ended_at = $3, touched_at = now() WHERE schema_name = $1 AND state <> 'dropped'`,
    [schema, state, at],
  );
}

/**
 * Records that a schema was dropped and why, for the retry that may come. A schema the ledger never
 * heard of (made before the ledger existed) gets a row too, with the run id its name gives.
 */
export async function recordDropped(
  sql: StagingSql,
  schema: string,
  why: string,
  runId: string,
): Promise<void> {
  await ensureLedger(sql);
  await sql(
    `INSERT INTO ${LEDGER_TABLE} (schema_name, run_id, project, state, dropped_at, dropped_why)
     VALUES ($1, $2, '', 'dropped', now(), $3)
     ON CONFLICT (schema_name) DO UPDATE SET state = 'dropped', dropped_at = now(), dropped_why = $3`,
    [schema, runId, why],
  );
}

/** Every row of the ledger (none when it does not exist yet). */
export async function readLedger(sql: StagingSql): Promise<LedgerEntry[]> {
  await ensureLedger(sql);
  const rows = await sql(
    `SELECT schema_name, run_id, project, state, keep, started_at, touched_at, ended_at, dropped_at, dropped_why
       FROM ${LEDGER_TABLE} ORDER BY schema_name`,
  );
  return rows.map((r) => ({
    schema: String(r.schema_name),
    runId: String(r.run_id),
    project: String(r.project),
    state: r.state as LedgerState,
    keep: (typeof r.keep === 'string' ? JSON.parse(r.keep) : (r.keep ?? null)) as KeepStaging | null,
    startedAt: time(r.started_at)!,
    touchedAt: time(r.touched_at)!,
    endedAt: time(r.ended_at),
    droppedAt: time(r.dropped_at),
    droppedWhy: (r.dropped_why as string | null) ?? null,
  }));
}

/** How long the ledger remembers a dropped schema: long past any retry anyone would still try. */
const TOMBSTONE_DAYS = 90;

/** Forgets the schemas dropped more than 90 days before `now`. */
export async function forgetOldDrops(sql: StagingSql, now: Date): Promise<void> {
  await sql(`DELETE FROM ${LEDGER_TABLE} WHERE state = 'dropped' AND dropped_at < $1`, [
    new Date(now.getTime() - TOMBSTONE_DAYS * 86_400_000),
  ]);
}

function time(value: unknown): Date | null {
  return value === null || value === undefined ? null : new Date(value as string | Date);
}
