import { type CleanseSummary, peopleError, STAGES, type StagingDatabase } from '@databridge/engine';
import {
  ACTIVE_EXECUTION_STATUSES,
  clearAbnormalStops,
  createExecution,
  ENDED_EXECUTION_STATUSES,
  type Execution,
  type ExecutionStatus,
  type ExecutionTrigger,
  getExecution,
  getProject,
  LOG_LEVELS,
  listExecutions,
  listLogEntries,
  listRatePoints,
  listStageRuns,
  listTaskRuns,
  type StageRun,
  setExecutionLogicalDate,
  storeRunState,
  type TaskRun,
  updateExecution,
  upsertTaskRuns,
} from '@databridge/store';
import { z } from 'zod';
import type { ServiceContext } from '../context.ts';
import { setStage } from '../run/stage-state.ts';
import { taskName } from '../run/task-name.ts';
import { RUNNING_GAP_MS } from '../run/throughput.ts';
import { ServiceError } from './service-error.ts';
import { withServiceErrors } from './service-failures.ts';
import { type StagedExtractProgress, stagedExtractProgress } from './staged-extract-progress.ts';

type Ctx = Pick<ServiceContext, 'store' | 'executor'>;

const id = z.string().trim().min(1, 'is required').max(100, 'is too long');

export const StartExecutionInput = z
  .object({
    projectId: id,
    /** The run's logical date (what `{{logical_date}}` in a filter becomes); Airflow passes its own. */
    logicalDate: z.iso
      .datetime({ offset: true, error: 'must be an ISO-8601 time such as 2024-05-01T00:00:00Z' })
      .optional(),
  })
  .strict();
export const ExecutionIdInput = z.object({ id }).strict();
export const ExecutionHistoryInput = z
  .object({
    projectId: id.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().min(1).optional(),
  })
  .strict();
export const ExecutionLogsInput = z
  .object({
    level: z.enum(LOG_LEVELS).optional(),
    cursor: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    order: z.enum(['newest', 'oldest']).default('newest'),
  })
  .strict();

/** What `GET /api/executions/[id]/status` returns. */
export interface ExecutionStatusView {
  readonly executionId: string;
  readonly projectId: string;
  readonly status: ExecutionStatus;
  readonly attempt: number;
  readonly startTime: string | null;
  readonly endTime: string | null;
  /** Rows committed to the target. */
  readonly recordsProcessed: number;
  /**
   * Rows sent into load transactions that have not committed yet (a `replace` load, or a table
   * without a key, commits once at its end): they become recordsProcessed at the commit, or are
   * rolled back with it.
   */
  readonly recordsUncommitted: number;
  readonly recordsTotal: number;
  /** True when recordsTotal comes from the source's statistics rather than a count. */
  readonly recordsTotalIsEstimate: boolean;
  readonly failedRecords: number;
  /** Loaded rows as a percentage of rows handled (loaded + rejected); null while none was handled. */
  readonly successRate: number | null;
  /**
   * Rows written in this attempt per second of this attempt's running time, pauses and the wait
   * between attempts left out (docs/throughput.md): the same figure as the chart's summary and the report.
   */
  readonly throughput: number;
  readonly error: { readonly code: string; readonly message: string } | null;
  /** The HTML report, once the execution has one. */
  readonly reportUrl: string | null;
  /**
   * Why the report, log and rejects are not (all) in the object store yet: the upload failed and the
   * process that ran the execution keeps a local copy it uploads again. Null once stored, or local.
   */
  readonly artefactsPending: string | null;
}

export interface TaskView {
  readonly taskId: string;
  readonly mappingId: string;
  /** As people name it: "Track → track", or "Track → track, part 1 of 4" for a key range. */
  readonly name: string;
  readonly status: TaskRun['status'];
  readonly rowsTotal: number | null;
  readonly rowsRead: number;
  /** Rows committed. */
  readonly rowsWritten: number;
  /** Rows sent into the task's open transaction, not committed yet (see recordsUncommitted). */
  readonly rowsUncommitted: number;
  readonly rowsRejected: number;
  readonly startTime: string | null;
  readonly endTime: string | null;
  /** Seconds. */
  readonly duration: number | null;
  readonly attempt: number;
  readonly error: string | null;
}

export interface StageView {
  readonly stageId: StageRun['stageId'];
  readonly status: StageRun['status'];
  readonly startTime: string | null;
  readonly endTime: string | null;
  /** Seconds, once the stage has ended. */
  readonly duration: number | null;
  readonly tasks: readonly TaskView[];
  /**
   * The transform stage of a staged execution: its cleanse in the staging database, by mapping (rows
   * staged, taken out by each step, left to load); absent for other stages and direct executions.
   */
  readonly cleanse?: readonly CleanseSummary[];
  /**
   * The extract stage of a staged execution: rows copied into the staging database of the rows to
   * copy, by mapping (staged-extract-progress.ts); absent for other stages and direct executions.
   */
  readonly extract?: readonly StagedExtractProgress[];
}

/**
 * Creates an execution of a project and hands it to the executor. A project runs one execution at a
 * time unless its schedule allows more (`maxActiveRuns`): two runs loading one target at once would
 * race on its rows.
 */
export async function startExecution(
  ctx: Ctx,
  input: unknown,
  trigger: ExecutionTrigger = 'manual',
): Promise<{ executionId: string; status: ExecutionStatus }> {
  const { projectId, logicalDate } = StartExecutionInput.parse(input, { error: peopleError });
  const project = await getProject(ctx.store, projectId);
  if (!project) throw new ServiceError('not_found', `There is no project ${projectId}`);
  const active = await listExecutions(ctx.store, {
    projectId,
    statuses: ACTIVE_EXECUTION_STATUSES,
    limit: 100,
  });
  const allowed = project.spec.schedule?.maxActiveRuns ?? 1;
  if (active.items.length >= allowed) {
    const ids = active.items.map((e) => `${e.id} (${e.status})`).join(', ');
    throw new ServiceError(
      'invalid_state',
      `project "${project.name}" already has ${active.items.length} execution(s) active: ${ids}; at most ${allowed} may run at once`,
    );
  }
  const execution = await createExecution(ctx.store, { projectId, trigger });
  // Before the executor first sees it: the spec it builds fills `{{logical_date}}` from it.
  if (logicalDate) await setExecutionLogicalDate(ctx.store, execution.id, logicalDate);
  await ctx.executor.start(execution.id);
  return { executionId: execution.id, status: execution.status };
}

export async function getExecutionStatus(
  ctx: Pick<Ctx, 'store'>,
  executionId: string,
): Promise<ExecutionStatusView> {
  return statusView(await requireExisting(ctx, executionId));
}

export function statusView(e: Execution): ExecutionStatusView {
  const handled = e.recordsProcessed + e.failedRecords;
  return {
    executionId: e.id,
    projectId: e.projectId,
    status: e.status,
    attempt: e.attempt,
    startTime: e.startedAt,
    endTime: e.endedAt,
    recordsProcessed: e.recordsProcessed,
    recordsUncommitted: e.recordsUncommitted,
    recordsTotal: e.recordsTotal,
    recordsTotalIsEstimate: e.recordsTotalIsEstimate,
    failedRecords: e.failedRecords,
    successRate: handled === 0 ? null : Math.round((e.recordsProcessed / handled) * 10_000) / 100,
    throughput: e.throughput,
    error: e.errorCode ? { code: e.errorCode, message: e.errorMessage ?? '' } : null,
    reportUrl: e.summary ? `/api/executions/${e.id}/report` : null,
    artefactsPending: e.summary?.artefacts?.pending ?? null,
  };
}

/** The six stages in pipeline order, each with its tasks (the load stages have one per table or key range). */
export async function getExecutionStages(
  ctx: Pick<Ctx, 'store'> & { readonly env?: { readonly staging?: StagingDatabase | undefined } },
  executionId: string,
): Promise<{ stages: StageView[] }> {
  const execution = await requireExisting(ctx, executionId);
  const [stages, tasks, project, notes] = await Promise.all([
    listStageRuns(ctx.store, executionId),
    listTaskRuns(ctx.store, executionId),
    getProject(ctx.store, execution.projectId),
    storeRunState(ctx.store).notes(executionId),
  ]);
  const cleanse = Object.values(notes.cleanse).sort((a, b) =>
    a.mappingId.localeCompare(b.mappingId, 'en', { numeric: true }),
  );
  const extractStatus = stages.find((x) => x.stageId === 'extract')?.status ?? 'pending';
  const extract =
    extractStatus === 'pending' ? undefined : await stagedExtractProgress(ctx, executionId, cleanse);
  const nameOf = (t: TaskRun) => {
    // Mapping ids are the spec's mappings in order, from m1.
    const mapping = project?.spec.mappings[Number(t.mappingId.slice(1)) - 1];
    const siblings = tasks.filter((x) => x.mappingId === t.mappingId).map((x) => x.taskId);
    return mapping
      ? taskName({ source: { name: mapping.source }, target: { name: mapping.target } }, t.taskId, siblings)
      : t.taskId;
  };
  return {
    stages: STAGES.map((stageId): StageView => {
      const s = stages.find((x) => x.stageId === stageId);
      return {
        stageId,
        status: s?.status ?? 'pending',
        startTime: s?.startedAt ?? null,
        endTime: s?.endedAt ?? null,
        duration: s?.durationSeconds ?? null,
        tasks: tasks.filter((t) => t.stageId === stageId).map((t) => taskView(t, nameOf(t))),
        ...(stageId === 'transform' && cleanse.length > 0 ? { cleanse } : {}),
        ...(stageId === 'extract' && extract ? { extract } : {}),
      };
    }),
  };
}

function taskView(t: TaskRun, name: string): TaskView {
  const duration =
    t.startedAt && t.endedAt
      ? Math.round((Date.parse(t.endedAt) - Date.parse(t.startedAt)) / 10) / 100
      : null;
  return {
    taskId: t.taskId,
    mappingId: t.mappingId,
    name,
    status: t.status,
    rowsTotal: t.rowsTotal,
    rowsRead: t.rowsRead,
    rowsWritten: t.rowsWritten,
    rowsUncommitted: t.rowsUncommitted,
    rowsRejected: t.rowsRejected,
    startTime: t.startedAt,
    endTime: t.endedAt,
    duration,
    attempt: t.attempt,
    error: t.errorMessage,
  };
}

/** Tasks stop at their next batch boundary, committed and checkpointed, and release their workers. */
export async function pauseExecution(ctx: Ctx, executionId: string): Promise<ExecutionStatusView> {
  const paused = await transition(
    ctx,
    executionId,
    ['pending', 'queued', 'running', 'interrupted'],
    { status: 'paused' },
    'pause',
  );
  await ctx.executor.pause(executionId);
  return statusView(paused);
}

/** Continues a paused (or interrupted) execution from its checkpoints. */
export async function resumeExecution(ctx: Ctx, executionId: string): Promise<ExecutionStatusView> {
  // `interrupted`: a server stopped while running it; one that stopped twice waits for this call.
  const resumed = await transition(
    ctx,
    executionId,
    ['paused', 'interrupted'],
    { status: 'running', errorMessage: null },
    'resume',
  );
  await clearAbnormalStops(ctx.store, executionId);
  await ctx.executor.start(executionId);
  return statusView(resumed);
}

/**
 * Runs a failed (or cancelled) execution again: only its failed and not-started tasks, each from its
 * checkpoint; what completed stays completed. The attempt number goes up, and the execution's and
 * the re-run tasks' start times are this attempt's.
 */
export async function retryExecution(ctx: Ctx, executionId: string): Promise<ExecutionStatusView> {
  const before = await requireExisting(ctx, executionId);
  const retried = await transition(
    ctx,
    executionId,
    ['failed', 'cancelled'],
    {
      status: 'running',
      attempt: before.attempt + 1,
      // Durations are per attempt: the wait between the attempts is not part of the run's time.
      startedAt: new Date(),
      endedAt: null,
      errorCode: null,
      errorMessage: null,
      summary: null,
    },
    'retry',
  );
  for (const s of await listStageRuns(ctx.store, executionId)) {
    if (s.status !== 'completed') await setStage(ctx.store, executionId, s.stageId, 'pending');
  }
  // The report is written again at the end.
  await setStage(ctx.store, executionId, 'report', 'pending');
  const tasks = await listTaskRuns(ctx.store, executionId);
  await upsertTaskRuns(
    ctx.store,
    executionId,
    tasks
      .filter((t) => t.status !== 'completed')
      .map((t) => ({ ...t, status: 'pending' as const, startedAt: null, endedAt: null, errorMessage: null })),
  );
  await ctx.executor.start(executionId);
  return statusView(retried);
}

/**
 * Stops an execution for good; its report says what was loaded before it stopped. The execution is
 * `cancelling` while its statements are ended on both databases (within seconds, even one blocked
 * on a lock), and `cancelled` once nothing of it runs any more.
 */
export async function cancelExecution(ctx: Ctx, executionId: string): Promise<ExecutionStatusView> {
  const before = await requireExisting(ctx, executionId);
  const cancelled = await transition(
    ctx,
    executionId,
    ['pending', 'queued', 'running', 'paused', 'interrupted'],
    { status: 'cancelling', errorCode: 'cancelled', errorMessage: 'cancelled by request' },
    'cancel',
  );
  await ctx.executor.cancel(executionId);
  // A running execution's driver writes the report once its tasks have stopped; one nobody drives
  // (paused, pending, interrupted) is finished by this call's.
  if (before.status !== 'running') await ctx.executor.start(executionId);
  return statusView(cancelled);
}

/** A project's executions (or all), newest first, a page at a time. */
export async function listExecutionHistory(ctx: Pick<Ctx, 'store'>, input: unknown) {
  const query = ExecutionHistoryInput.parse(input, { error: peopleError });
  if (query.projectId && !(await getProject(ctx.store, query.projectId))) {
    throw new ServiceError('not_found', `There is no project ${query.projectId}`);
  }
  // The store's bad_input names the cursor itself; any other failure keeps its own code.
  const page = await withServiceErrors(() => listExecutions(ctx.store, query));
  return {
    executions: page.items.map((e) => statusView({ ...e, summary: null })),
    nextCursor: page.nextCursor,
  };
}

export async function getExecutionLogs(ctx: Pick<Ctx, 'store'>, executionId: string, input: unknown) {
  const query = ExecutionLogsInput.parse(input, { error: peopleError });
  await requireExisting(ctx, executionId);
  // The store's bad_input names the cursor itself; any other failure keeps its own code.
  const page = await withServiceErrors(() => listLogEntries(ctx.store, executionId, query));
  return { entries: page.items, nextCursor: page.nextCursor };
}

/**
 * The points of the execution's throughput chart, oldest first (at most 500, evenly thinned): rows
 * written per second at each moment, zero while nothing ran (a pause, the wait before a retry).
 */
export async function getExecutionMetrics(ctx: Pick<Ctx, 'store'>, executionId: string) {
  await requireExisting(ctx, executionId);
  return { samples: await listRatePoints(ctx.store, executionId, { gapMs: RUNNING_GAP_MS }) };
}

/**
 * The execution's status each time it changes (counters included), polling the store, which every
 * executor and worker writes: first the current state, last a terminal one, then the iteration ends.
 * A paused execution keeps the stream open until it resumes or the caller stops listening.
 */
export async function* executionEvents(
  ctx: Pick<Ctx, 'store'>,
  executionId: string,
  options: { signal?: AbortSignal; pollMs?: number } = {},
): AsyncGenerator<ExecutionStatusView> {
  await requireExisting(ctx, executionId);
  let last = '';
  while (!options.signal?.aborted) {
    const execution = await getExecution(ctx.store, executionId);
    if (!execution) return;
    const view = statusView(execution);
    const key = JSON.stringify(view);
    if (key !== last) {
      last = key;
      yield view;
    }
    // The report comes last: a failed or cancelled run is over once it has ended (its summary written,
    // or none when it could not be planned).
    if (ENDED_EXECUTION_STATUSES.includes(view.status) && (view.status === 'completed' || execution.endedAt))
      return;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}

async function requireExisting(ctx: Pick<Ctx, 'store'>, executionId: string): Promise<Execution> {
  const execution = await getExecution(ctx.store, id.parse(executionId));
  if (!execution) throw new ServiceError('not_found', `There is no execution ${executionId}`);
  return execution;
}

async function transition(
  ctx: Ctx,
  executionId: string,
  from: readonly ExecutionStatus[],
  patch: Parameters<typeof updateExecution>[2],
  action: string,
): Promise<Execution> {
  const before = await requireExisting(ctx, executionId);
  const after = await updateExecution(ctx.store, executionId, patch, { from });
  if (after) return after;
  const now = (await getExecution(ctx.store, executionId))?.status ?? before.status;
  throw new ServiceError(
    'invalid_state',
    `cannot ${action} execution ${executionId}: it is ${now}; ${action} needs ${from.join(' or ')}`,
  );
}
