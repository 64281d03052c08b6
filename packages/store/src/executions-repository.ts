import type { RunSummary } from '@databridge/engine';
import type { Selectable } from 'kysely';
import { isForeignKeyViolation, isUniqueViolation, StoreError } from './errors.ts';
import { newId } from './ids.ts';
import type { Store } from './open-store.ts';
import { decodeCursor, encodeCursor, type Page, pageSize } from './page.ts';
import type { ExecutionsTable } from './schema/database.ts';
import { createStageRuns } from './stage-runs-repository.ts';
import { canMove, type ExecutionStatus, type ExecutionTrigger } from './statuses.ts';
import { inTransaction } from './transaction.ts';
import {
  readBool,
  readJsonOrNull,
  readTime,
  readTimeOrNull,
  type TimeInput,
  toIsoOrNull,
  writeBool,
  writeJson,
} from './values.ts';

/** One run of a project, as history lists show it (everything but the summary). */
export interface ExecutionOverview {
  readonly id: string;
  readonly projectId: string;
  readonly status: ExecutionStatus;
  readonly trigger: ExecutionTrigger;
  readonly attempt: number;
  /** The engine's run id, once it has one: what a resume passes back to the engine. */
  readonly runId: string | null;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly recordsProcessed: number;
  /** Rows sent into load transactions not committed yet (a `replace` load commits at its end). */
  readonly recordsUncommitted: number;
  readonly recordsTotal: number;
  /** True when recordsTotal comes from the databases' row estimates rather than counts. */
  readonly recordsTotalIsEstimate: boolean;
  readonly failedRecords: number;
  /** Rows per second. */
  readonly throughput: number;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly createdAt: string;
}

export interface Execution extends ExecutionOverview {
  /** The engine's summary, once the run has ended. */
  readonly summary: RunSummary | null;
}

export interface NewExecution {
  readonly projectId: string;
  /** Defaults to a new time-ordered UUID. */
  readonly id?: string;
  /** Defaults to `manual`. */
  readonly trigger?: ExecutionTrigger;
  /** Defaults to 1. */
  readonly attempt?: number;
}

export interface ExecutionProgress {
  readonly recordsProcessed: number;
  readonly recordsUncommitted?: number;
  readonly recordsTotal?: number;
  readonly recordsTotalIsEstimate?: boolean;
  readonly failedRecords?: number;
  readonly throughput?: number;
}

export interface ExecutionPatch {
  readonly status?: ExecutionStatus;
  readonly attempt?: number;
  readonly runId?: string | null;
  readonly startedAt?: TimeInput | null;
  readonly endedAt?: TimeInput | null;
  readonly errorCode?: string | null;
  readonly errorMessage?: string | null;
  readonly summary?: RunSummary | null;
}

const OVERVIEW_COLUMNS = [
  'id',
  'project_id',
  'status',
  'trigger',
  'attempt',
  'run_id',
  'started_at',
  'ended_at',
  'records_processed',
  'records_uncommitted',
  'records_total',
  'records_total_is_estimate',
  'failed_records',
  'throughput',
  'error_code',
  'error_message',
  'created_at',
] as const;

/**
 * Creates a pending execution with its six stages pending, in one transaction. Throws `not_found`
 * for an unknown project, `conflict` for an id already taken.
 */
export async function createExecution(store: Store, input: NewExecution): Promise<Execution> {
  const id = input.id ?? newId();
  await inTransaction(store, async (trx) => {
    await trx.db
      .insertInto('executions')
      .values({
        id,
        project_id: input.projectId,
        status: 'pending',
        trigger: input.trigger ?? 'manual',
        attempt: input.attempt ?? 1,
        created_at: new Date().toISOString(),
      })
      .execute();
    await createStageRuns(trx, id);
  }).catch((error: unknown) => {
    if (isForeignKeyViolation(error))
      throw new StoreError('not_found', `There is no project ${input.projectId}`);
    if (isUniqueViolation(error)) throw new StoreError('conflict', `There is an execution ${id} already`);
    throw error;
  });
  return (await getExecution(store, id))!;
}

export async function getExecution(store: Store, id: string): Promise<Execution | undefined> {
  const row = await store.db.selectFrom('executions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { ...toOverview(row), summary: readJsonOrNull(row.summary) as RunSummary | null };
}

/** The attempt an execution is on (1, then one more per retry), or undefined for an unknown id. */
export async function executionAttempt(store: Store, id: string): Promise<number | undefined> {
  const row = await store.db
    .selectFrom('executions')
    .select('attempt')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.attempt;
}

/**
 * Execution history, newest first, `limit` (default 20, at most 100) a page; pass the previous
 * page's `nextCursor` for the next. Filters by project and/or status when given.
 */
export async function listExecutions(
  store: Store,
  options: {
    projectId?: string;
    statuses?: readonly ExecutionStatus[];
    limit?: number;
    cursor?: string;
  } = {},
): Promise<Page<ExecutionOverview>> {
  const limit = pageSize(options.limit, 20, 100);
  let query = store.db.selectFrom('executions').select(OVERVIEW_COLUMNS);
  if (options.projectId !== undefined) query = query.where('project_id', '=', options.projectId);
  if (options.statuses)
    query = query.where('status', 'in', options.statuses.length ? options.statuses : ['']);
  if (options.cursor) {
    const [createdAt, id] = decodeCursor(options.cursor, ['string', 'string']) as [string, string];
    query = query.where((eb) =>
      eb.or([
        eb('created_at', '<', createdAt),
        eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)]),
      ]),
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map(toOverview);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt, last.id]) : null };
}

/** The cheap per-second write of a running execution's counters; returns false for an unknown id. */
export async function updateProgress(
  store: Store,
  id: string,
  progress: ExecutionProgress,
): Promise<boolean> {
  const result = await store.db
    .updateTable('executions')
    .set({
      records_processed: progress.recordsProcessed,
      records_uncommitted: progress.recordsUncommitted,
      records_total: progress.recordsTotal,
      records_total_is_estimate:
        progress.recordsTotalIsEstimate === undefined
          ? undefined
          : writeBool(progress.recordsTotalIsEstimate),
      failed_records: progress.failedRecords,
      throughput: progress.throughput,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Changes an execution's state and outcome. With `from`, only while its status is one of those: a
 * compare-and-set that keeps two workers (or a worker and a cancel) from both winning. Returns the
 * execution after the change, or undefined when it is unknown or its status was not in `from`. A
 * change of status the state machine does not allow (statuses.ts) throws `invalid_transition`.
 */
export async function updateExecution(
  store: Store,
  id: string,
  patch: ExecutionPatch,
  options: { from?: readonly ExecutionStatus[] } = {},
): Promise<Execution | undefined> {
  let query = store.db
    .updateTable('executions')
    .set({
      status: patch.status,
      attempt: patch.attempt,
      run_id: patch.runId,
      started_at: patch.startedAt === undefined ? undefined : toIsoOrNull(patch.startedAt),
      ended_at: patch.endedAt === undefined ? undefined : toIsoOrNull(patch.endedAt),
      error_code: patch.errorCode,
      error_message: patch.errorMessage,
      summary: patch.summary === undefined ? undefined : patch.summary && writeJson(patch.summary),
    })
    .where('id', '=', id);
  if (options.from) query = query.where('status', 'in', options.from.length ? options.from : ['']);
  if (patch.status !== undefined) {
    const current = (
      await store.db.selectFrom('executions').select('status').where('id', '=', id).executeTakeFirst()
    )?.status as ExecutionStatus | undefined;
    if (current === undefined || (options.from && !options.from.includes(current))) return undefined;
    if (!canMove('execution', current, patch.status)) {
      throw new StoreError(
        'invalid_transition',
        `execution ${id} cannot go from ${current} to ${patch.status}`,
      );
    }
    // Compare-and-set on the state just checked.
    query = query.where('status', '=', current);
  }
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n ? getExecution(store, id) : undefined;
}

/** Like getExecution, but throws `not_found`. */
export async function requireExecution(store: Store, id: string): Promise<Execution> {
  const execution = await getExecution(store, id);
  if (!execution) throw new StoreError('not_found', `There is no execution ${id}`);
  return execution;
}

function toOverview(
  row: Pick<Selectable<ExecutionsTable>, (typeof OVERVIEW_COLUMNS)[number]>,
): ExecutionOverview {
  return {
    id: row.id,
    projectId: row.project_id,
    status: row.status as ExecutionStatus,
    trigger: row.trigger as ExecutionTrigger,
    attempt: row.attempt,
    runId: row.run_id,
    startedAt: readTimeOrNull(row.started_at),
    endedAt: readTimeOrNull(row.ended_at),
    recordsProcessed: row.records_processed,
    recordsUncommitted: row.records_uncommitted,
    recordsTotal: row.records_total,
    recordsTotalIsEstimate: readBool(row.records_total_is_estimate),
    failedRecords: row.failed_records,
    throughput: row.throughput,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    createdAt: readTime(row.created_at),
  };
}
