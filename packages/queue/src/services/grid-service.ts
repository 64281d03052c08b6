import { airflowSlug, STAGES, type StageId } from '@databridge/engine';
import {
  type ExecutionStatus,
  type ExecutionTrigger,
  getExecution,
  getExecutionLogicalDate,
  listExecutions,
  listLogEntries,
  listStageRuns,
  listTaskRuns,
  type RunStatus,
} from '@databridge/store';
import { z } from 'zod';
import type { ServiceContext } from '../context.ts';
import { retryExecution } from './executions-service.ts';
import { requireProject } from './projects-service.ts';
import { ServiceError } from './service-error.ts';
import { withServiceErrors } from './service-failures.ts';

type Ctx = Pick<ServiceContext, 'store'>;

/** A row of the Grid: a stage, or a load task named as the DAG names it (`load_facts.invoice_line.part_2`). */
export interface GridRow {
  readonly id: string;
  readonly kind: 'stage' | 'load';
  readonly stage: StageId;
  /** Load rows: the engine's task id (`m3.p2`) whose cell details are asked for. */
  readonly taskId?: string;
}

export interface GridExecution {
  readonly executionId: string;
  readonly status: ExecutionStatus;
  readonly trigger: ExecutionTrigger;
  /** The date the run is for (a timetable's, a backfill's, Airflow's); null for a run started by hand. */
  readonly logicalDate: string | null;
  readonly createdAt: string;
}

export interface ProjectGrid {
  /** Oldest first, as Airflow's Grid reads left to right. */
  readonly executions: readonly GridExecution[];
  readonly rows: readonly GridRow[];
  /** `cells[row id][execution id]`: the state, or absent when that execution had no such task. */
  readonly cells: Readonly<Record<string, Readonly<Record<string, RunStatus>>>>;
}

// One sentence for every wrong limit: coercing "abc" gives NaN, which zod would call missing.
const LIMIT = 'must be a whole number from 1 to 50';
export const GridQuery = z
  .object({
    limit: z.coerce.number({ error: LIMIT }).int(LIMIT).min(1, LIMIT).max(50, LIMIT).default(10),
  })
  .strict();

/**
 * The Grid of a project (`GET /api/projects/[id]/grid`): its last `limit` executions (default 10)
 * by its run's tasks, each cell the task's state in that execution. Rows are the six stages, each
 * preceded by the load tasks of its tables, named after the target table and key range.
 */
export async function projectGrid(ctx: Ctx, projectId: string, query: unknown = {}): Promise<ProjectGrid> {
  const { limit } = GridQuery.parse(query);
  const project = await requireProject(ctx, projectId);
  const page = await withServiceErrors(() => listExecutions(ctx.store, { projectId, limit }));
  const executions = [...page.items].reverse();
  const rows = new Map<string, GridRow>();
  const loadRows = new Map<StageId, GridRow[]>();
  const cells: Record<string, Record<string, RunStatus>> = {};
  const set = (row: string, execution: string, status: RunStatus) => {
    cells[row] = { ...(cells[row] ?? {}), [execution]: status };
  };
  const out: GridExecution[] = [];
  for (const execution of executions) {
    const [stages, tasks, logicalDate] = await Promise.all([
      listStageRuns(ctx.store, execution.id),
      listTaskRuns(ctx.store, execution.id),
      getExecutionLogicalDate(ctx.store, execution.id),
    ]);
    out.push({
      executionId: execution.id,
      status: execution.status,
      trigger: execution.trigger,
      logicalDate,
      createdAt: execution.createdAt,
    });
    for (const stage of stages) set(stage.stageId, execution.id, stage.status);
    for (const task of tasks) {
      const mapping = project.spec.mappings[Number(task.mappingId.slice(1)) - 1];
      const table = airflowSlug(mapping?.target.split('.').at(-1) ?? task.mappingId) || task.mappingId;
      const part = /\.p(\d+)$/.exec(task.taskId)?.[1];
      const id = `${task.stageId}.${table}${part ? `.part_${part}` : ''}`;
      if (!rows.has(id)) {
        const row: GridRow = { id, kind: 'load', stage: task.stageId, taskId: task.taskId };
        rows.set(id, row);
        loadRows.set(task.stageId, [...(loadRows.get(task.stageId) ?? []), row]);
      }
      set(id, execution.id, task.status);
    }
  }
  const natural = new Intl.Collator('en', { numeric: true });
  const ordered = STAGES.flatMap((stage): GridRow[] => [
    ...(loadRows.get(stage) ?? []).sort((a, b) => natural.compare(a.id, b.id)),
    { id: stage, kind: 'stage', stage },
  ]);
  return { executions: out, rows: ordered, cells };
}

export interface TaskAttemptView {
  readonly taskId: string;
  readonly status: RunStatus;
  /** The execution's attempt the task last ran in, and the try within it. */
  readonly attempt: number;
  readonly startTime: string | null;
  readonly endTime: string | null;
  /** Seconds. */
  readonly duration: number | null;
  readonly rowsWritten: number;
  readonly rowsRejected: number;
  readonly error: string | null;
}

export interface TaskDetail {
  readonly task: TaskAttemptView;
  /** The run log's lines about this task, oldest first: each try's start, its failures. */
  readonly log: readonly { readonly time: string; readonly level: string; readonly message: string }[];
}

/**
 * A Grid cell (`GET /api/executions/[id]/task?task=m3.p2`): the task's state, last attempt with its
 * duration, rows written and rejected, error, and its lines from the run log.
 */
export async function executionTaskDetail(
  ctx: Ctx,
  executionId: string,
  taskId: string,
): Promise<TaskDetail> {
  const execution = await withServiceErrors(() => getExecution(ctx.store, executionId));
  if (!execution) throw new ServiceError('not_found', `There is no execution ${executionId}.`);
  const task = (await withServiceErrors(() => listTaskRuns(ctx.store, executionId))).find(
    (t) => t.taskId === taskId,
  );
  if (!task) {
    throw new ServiceError('not_found', `Execution ${executionId} has no task ${taskId}.`, { field: 'task' });
  }
  const log: TaskDetail['log'][number][] = [];
  let cursor: string | undefined;
  do {
    const page = await withServiceErrors(() =>
      listLogEntries(ctx.store, executionId, { order: 'oldest', limit: 1000, ...(cursor ? { cursor } : {}) }),
    );
    for (const entry of page.items) {
      if (entry.fields?.taskId === taskId)
        log.push({ time: entry.time, level: entry.level, message: entry.message });
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor && log.length < 500);
  const seconds =
    task.startedAt && task.endedAt ? (Date.parse(task.endedAt) - Date.parse(task.startedAt)) / 1000 : null;
  return {
    task: {
      taskId: task.taskId,
      status: task.status,
      attempt: task.attempt,
      startTime: task.startedAt,
      endTime: task.endedAt,
      duration: seconds,
      rowsWritten: task.rowsWritten,
      rowsRejected: task.rowsRejected,
      error: task.errorMessage,
    },
    log,
  };
}

export const ClearTaskInput = z
  .object({ task: z.string().trim().min(1, 'is required').max(100, 'is too long') })
  .strict();

export interface ClearedTask {
  readonly executionId: string;
  readonly status: ExecutionStatus;
  /** The tasks that run again: the cleared one and every task that had not finished (what follows it). */
  readonly rerun: readonly string[];
}

/**
 * Airflow's "clear" on a Grid cell (`POST /api/executions/[id]/clear { task }`, the retry
 * permission): runs the failed (or stopped) task again and what follows it, as a new attempt of the
 * same execution. Completed tasks keep their rows and do not run again (their checkpoints say they
 * are done), so clearing a completed task is refused: it would load its rows twice. `invalid_state`
 * unless the execution failed or was cancelled.
 */
export async function clearTask(
  ctx: Pick<ServiceContext, 'store' | 'executor'>,
  executionId: string,
  input: unknown,
): Promise<ClearedTask> {
  const { task: taskId } = ClearTaskInput.parse(input);
  const execution = await withServiceErrors(() => getExecution(ctx.store, executionId));
  if (!execution) throw new ServiceError('not_found', `There is no execution ${executionId}.`);
  const tasks = await withServiceErrors(() => listTaskRuns(ctx.store, executionId));
  const task = tasks.find((t) => t.taskId === taskId);
  if (!task) {
    throw new ServiceError('not_found', `Execution ${executionId} has no task ${taskId}.`, { field: 'task' });
  }
  if (task.status === 'completed') {
    throw new ServiceError(
      'invalid_state',
      `Task ${taskId} completed in this execution: clearing it would load its rows a second time. Start a new run to load them again.`,
      { field: 'task' },
    );
  }
  // A task fails while its run goes on (the continue policy): the run must end before Clear, which
  // the user asked for, not a "retry" they did not click.
  if (execution.status !== 'failed' && execution.status !== 'cancelled') {
    throw new ServiceError(
      'invalid_state',
      `Execution ${executionId} is ${execution.status}: a task is cleared once its execution has failed or been cancelled (cancel it first, or wait for it to end).`,
    );
  }
  const rerun = tasks.filter((t) => t.status !== 'completed').map((t) => t.taskId);
  const view = await retryExecution(ctx, executionId);
  return { executionId, status: view.status, rerun };
}
