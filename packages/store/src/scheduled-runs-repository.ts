import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Store } from './open-store.ts';
import type { ScheduledRunsTable } from './schema/database.ts';
import { ACTIVE_EXECUTION_STATUSES, type ExecutionStatus } from './statuses.ts';
import { readTime, readTimeOrNull, type TimeInput, toIso, toIsoOrNull } from './values.ts';

/**
 * The scheduler's memory: scheduled runs (one per project and logical date), each project's
 * timetable state, leases between scheduler processes, and the schedule columns of executions
 * (logical date, alert claims). Every claim here is a single conditional write, so that any number
 * of scheduler processes can tick at the same instant and each thing still happens once.
 */

export const SCHEDULED_RUN_STATUSES = ['waiting', 'started', 'skipped'] as const;
export type ScheduledRunStatus = (typeof SCHEDULED_RUN_STATUSES)[number];
/** A run the timetable made due, or one a backfill asked for. */
export type ScheduledRunKind = 'schedule' | 'backfill';

export interface ScheduledRun {
  readonly projectId: string;
  /** The scheduled instant the run is for, ISO-8601. */
  readonly logicalDate: string;
  readonly kind: ScheduledRunKind;
  readonly status: ScheduledRunStatus;
  readonly executionId: string | null;
  /** Why it waits or was skipped, in words. */
  readonly reason: string | null;
  /** Ticks that changed its state or its reason (a run waiting for the same reason is not rewritten). */
  readonly attempts: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly startedAt: string | null;
}

export interface NewScheduledRun {
  readonly projectId: string;
  readonly logicalDate: TimeInput;
  readonly kind: ScheduledRunKind;
  readonly reason?: string;
}

/**
 * Claims the run of a project for a logical date, as `waiting`. Returns the run when this call
 * created it, undefined when it existed already (another scheduler, an earlier tick or a backfill
 * has it): the primary key decides, so of several simultaneous claims exactly one wins.
 */
export async function claimScheduledRun(
  store: Store,
  input: NewScheduledRun,
): Promise<ScheduledRun | undefined> {
  const now = new Date().toISOString();
  const row = await store.db
    .insertInto('scheduled_runs')
    .values({
      project_id: input.projectId,
      logical_date: toIso(input.logicalDate),
      kind: input.kind,
      status: 'waiting',
      reason: input.reason ?? null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['project_id', 'logical_date']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && toScheduledRun(row);
}

export async function getScheduledRun(
  store: Store,
  projectId: string,
  logicalDate: TimeInput,
): Promise<ScheduledRun | undefined> {
  const row = await store.db
    .selectFrom('scheduled_runs')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('logical_date', '=', toIso(logicalDate))
    .executeTakeFirst();
  return row && toScheduledRun(row);
}

/** Scheduled runs, oldest logical date first, filtered by project and status when given (default limit 1000). */
export async function listScheduledRuns(
  store: Store,
  options: { projectId?: string; statuses?: readonly ScheduledRunStatus[]; limit?: number } = {},
): Promise<ScheduledRun[]> {
  let query = store.db.selectFrom('scheduled_runs').selectAll();
  if (options.projectId !== undefined) query = query.where('project_id', '=', options.projectId);
  if (options.statuses)
    query = query.where('status', 'in', options.statuses.length ? options.statuses : ['']);
  const rows = await query
    .orderBy('logical_date')
    .orderBy('project_id')
    .limit(options.limit ?? 1000)
    .execute();
  return rows.map(toScheduledRun);
}

/** Projects that have a run waiting. */
export async function listProjectsWithWaitingRuns(store: Store): Promise<string[]> {
  const rows = await store.db
    .selectFrom('scheduled_runs')
    .select('project_id')
    .distinct()
    .where('status', '=', 'waiting')
    .execute();
  return rows.map((r) => r.project_id);
}

export interface ScheduledRunPatch {
  readonly status?: ScheduledRunStatus;
  readonly kind?: ScheduledRunKind;
  readonly executionId?: string | null;
  readonly reason?: string | null;
  readonly startedAt?: TimeInput | null;
  /** Counts one more tick that changed the run. */
  readonly countAttempt?: boolean;
}

/**
 * Changes a scheduled run; with `from`, only while its status is one of those (a compare-and-set).
 * Returns true when the row changed.
 */
export async function updateScheduledRun(
  store: Store,
  projectId: string,
  logicalDate: TimeInput,
  patch: ScheduledRunPatch,
  options: { from?: readonly ScheduledRunStatus[] } = {},
): Promise<boolean> {
  let query = store.db
    .updateTable('scheduled_runs')
    .set((eb) => ({
      status: patch.status,
      kind: patch.kind,
      execution_id: patch.executionId,
      reason: patch.reason,
      started_at: patch.startedAt === undefined ? undefined : toIsoOrNull(patch.startedAt),
      attempts: patch.countAttempt ? eb('attempts', '+', 1) : undefined,
      updated_at: new Date().toISOString(),
    }))
    .where('project_id', '=', projectId)
    .where('logical_date', '=', toIso(logicalDate));
  if (options.from) query = query.where('status', 'in', options.from.length ? options.from : ['']);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** A project's timetable as the scheduler last saw it. */
export interface ScheduleState {
  readonly projectId: string;
  readonly timetable: string;
  readonly lastDueAt: string;
}

export async function getScheduleState(store: Store, projectId: string): Promise<ScheduleState | undefined> {
  const row = await store.db
    .selectFrom('schedule_states')
    .selectAll()
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return row && { projectId: row.project_id, timetable: row.timetable, lastDueAt: readTime(row.last_due_at) };
}

export async function saveScheduleState(
  store: Store,
  state: { projectId: string; timetable: string; lastDueAt: TimeInput },
): Promise<void> {
  const values = {
    timetable: state.timetable,
    last_due_at: toIso(state.lastDueAt),
    updated_at: new Date().toISOString(),
  };
  await store.db
    .insertInto('schedule_states')
    .values({ project_id: state.projectId, ...values })
    .onConflict((oc) => oc.column('project_id').doUpdateSet(values))
    .execute();
}

/**
 * Takes the lease `name` for `holder` until `ttlMs` from now, when nobody holds it or the holder's
 * lease has run out (a crashed process). Returns whether `holder` now holds it.
 */
export async function acquireLease(
  store: Store,
  name: string,
  holder: string,
  ttlMs: number,
): Promise<boolean> {
  const now = Date.now();
  const expires = new Date(now + ttlMs).toISOString();
  const row = await store.db
    .insertInto('scheduler_leases')
    .values({ name, holder, expires_at: expires })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: expires })
        .where((eb) =>
          eb.or([
            eb('scheduler_leases.expires_at', '<', new Date(now).toISOString()),
            eb('scheduler_leases.holder', '=', holder),
          ]),
        ),
    )
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === holder;
}

export async function releaseLease(store: Store, name: string, holder: string): Promise<void> {
  await store.db
    .deleteFrom('scheduler_leases')
    .where('name', '=', name)
    .where('holder', '=', holder)
    .execute();
}

/** Records the logical date an execution runs for; set before the executor first sees it. */
export async function setExecutionLogicalDate(
  store: Store,
  executionId: string,
  logicalDate: TimeInput,
): Promise<void> {
  await store.db
    .updateTable('executions')
    .set({ logical_date: toIso(logicalDate) })
    .where('id', '=', executionId)
    .execute();
}

/** The logical date of an execution, or null (a manual run, an unknown id). */
export async function getExecutionLogicalDate(store: Store, executionId: string): Promise<string | null> {
  const row = await store.db
    .selectFrom('executions')
    .select('logical_date')
    .where('id', '=', executionId)
    .executeTakeFirst();
  return row ? readTimeOrNull(row.logical_date) : null;
}

/** The newest execution of a project for a logical date, if any: what a downstream project waits on. */
export async function latestExecutionForDate(
  store: Store,
  projectId: string,
  logicalDate: TimeInput,
): Promise<{ id: string; status: ExecutionStatus } | undefined> {
  const row = await store.db
    .selectFrom('executions')
    .select(['id', 'status'])
    .where('project_id', '=', projectId)
    .where('logical_date', '=', toIso(logicalDate))
    .orderBy(sql`case when status = 'completed' then 0 else 1 end`)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { id: row.id, status: row.status as ExecutionStatus };
}

/** An execution as the alert checks need it. */
export interface AlertableExecution {
  readonly id: string;
  readonly projectId: string;
  readonly status: ExecutionStatus;
  readonly attempt: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly logicalDate: string | null;
  readonly errorMessage: string | null;
  /** The `status:attempt` an outcome alert was last decided for. */
  readonly outcomeAlerted: string | null;
}

const ALERT_COLUMNS = [
  'id',
  'project_id',
  'status',
  'attempt',
  'created_at',
  'started_at',
  'ended_at',
  'logical_date',
  'error_message',
  'outcome_alerted',
] as const;

/** Active (pending, running, paused) executions of these projects that have had no SLA alert yet. */
export async function listSlaCandidates(
  store: Store,
  projectIds: readonly string[],
): Promise<AlertableExecution[]> {
  if (projectIds.length === 0) return [];
  const rows = await store.db
    .selectFrom('executions')
    .select(ALERT_COLUMNS)
    .where('project_id', 'in', projectIds)
    .where('status', 'in', ACTIVE_EXECUTION_STATUSES)
    .where('sla_alerted_at', 'is', null)
    .orderBy('created_at')
    .execute();
  return rows.map(toAlertable);
}

/** Claims the one SLA alert of an execution; true for the one caller that gets it. */
export async function claimSlaAlert(store: Store, executionId: string, at: TimeInput): Promise<boolean> {
  const result = await store.db
    .updateTable('executions')
    .set({ sla_alerted_at: toIso(at) })
    .where('id', '=', executionId)
    .where('sla_alerted_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

const outcomeKey = sql<string>`status || ':' || cast(attempt as text)`;

/**
 * Executions that completed or failed (ended at or after `endedSince`) whose current outcome has
 * not been looked at for alerts yet, oldest ending first. A retried execution that ends again has a
 * new attempt, so a new outcome.
 */
export async function listUndecidedOutcomes(
  store: Store,
  options: { endedSince: TimeInput; limit?: number },
): Promise<AlertableExecution[]> {
  const rows = await store.db
    .selectFrom('executions')
    .select(ALERT_COLUMNS)
    .where('ended_at', '>=', toIso(options.endedSince))
    .where('status', 'in', ['completed', 'failed'])
    .where((eb) => eb.or([eb('outcome_alerted', 'is', null), eb('outcome_alerted', '<>', outcomeKey)]))
    .orderBy('ended_at')
    .orderBy('id')
    .limit(options.limit ?? 500)
    .execute();
  return rows.map(toAlertable);
}

/**
 * Claims the decision on an execution's outcome alert (failure, recovery or none) for its current
 * `status:attempt`; true for the one caller that gets it. Fails when the execution moved on since
 * it was read.
 */
export async function claimOutcomeAlert(store: Store, execution: AlertableExecution): Promise<boolean> {
  const key = `${execution.status}:${execution.attempt}`;
  const result = await store.db
    .updateTable('executions')
    .set({ outcome_alerted: key })
    .where('id', '=', execution.id)
    .where('status', '=', execution.status)
    .where('attempt', '=', execution.attempt)
    .where((eb) => eb.or([eb('outcome_alerted', 'is', null), eb('outcome_alerted', '<>', key)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * How the project's run before this one ended (`completed` or `failed`; cancelled runs do not
 * count), or null when it had none: a completed run after a failed one is a recovery.
 */
export async function previousOutcome(
  store: Store,
  execution: Pick<AlertableExecution, 'id' | 'projectId' | 'endedAt'>,
): Promise<'completed' | 'failed' | null> {
  if (!execution.endedAt) return null;
  const endedAt = toIso(execution.endedAt);
  const row = await store.db
    .selectFrom('executions')
    .select('status')
    .where('project_id', '=', execution.projectId)
    .where('id', '<>', execution.id)
    .where('status', 'in', ['completed', 'failed'])
    .where('ended_at', '<=', endedAt)
    .orderBy('ended_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return (row?.status as 'completed' | 'failed' | undefined) ?? null;
}

function toScheduledRun(row: Selectable<ScheduledRunsTable>): ScheduledRun {
  return {
    projectId: row.project_id,
    logicalDate: readTime(row.logical_date),
    kind: row.kind as ScheduledRunKind,
    status: row.status as ScheduledRunStatus,
    executionId: row.execution_id,
    reason: row.reason,
    attempts: row.attempts,
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
    startedAt: readTimeOrNull(row.started_at),
  };
}

function toAlertable(row: {
  id: string;
  project_id: string;
  status: string;
  attempt: number;
  created_at: Date | string;
  started_at: Date | string | null;
  ended_at: Date | string | null;
  logical_date: Date | string | null;
  error_message: string | null;
  outcome_alerted: string | null;
}): AlertableExecution {
  return {
    id: row.id,
    projectId: row.project_id,
    status: row.status as ExecutionStatus,
    attempt: row.attempt,
    createdAt: readTime(row.created_at),
    startedAt: readTimeOrNull(row.started_at),
    endedAt: readTimeOrNull(row.ended_at),
    logicalDate: readTimeOrNull(row.logical_date),
    errorMessage: row.error_message,
    outcomeAlerted: row.outcome_alerted,
  };
}

/** What started an execution, when the scheduler did: a timetable's run or a backfill's. */
export async function scheduledRunKindOf(
  store: Store,
  executionId: string,
): Promise<ScheduledRunKind | undefined> {
  const row = await store.db
    .selectFrom('scheduled_runs')
    .select('kind')
    .where('execution_id', '=', executionId)
    .executeTakeFirst();
  return row?.kind as ScheduledRunKind | undefined;
}
