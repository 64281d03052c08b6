import { messageOf } from '@databridge/engine';
import {
  ACTIVE_EXECUTION_STATUSES,
  latestExecutionForDate,
  listExecutions,
  listScheduledRuns,
  type Project,
  type ScheduledRun,
  setExecutionLogicalDate,
  updateScheduledRun,
} from '@databridge/store';
import type { ServiceContext } from '../context.ts';
import type { Executor } from '../executor/executor.ts';
import { startExecution } from '../services/executions-service.ts';
import { ServiceError } from '../services/service-error.ts';
import { type ProjectIndex, resolveProject } from './project-index.ts';
import type { RunRef, TickSummary } from './tick-summary.ts';

type Ctx = Pick<ServiceContext, 'store' | 'executor'>;

/**
 * Tries to start a project's waiting runs, oldest logical date first. A run starts when its
 * logical date has come, each upstream project in `dependsOn` has a completed run for the same
 * logical date, and the project is below `maxActiveRuns`; otherwise it keeps waiting and says why,
 * or, when the slots are full and `whenMaxActive` is `skip`, a timetable run is skipped (a
 * backfill run always waits for a slot).
 */
export async function startWaitingRuns(
  ctx: Ctx,
  project: Project,
  index: ProjectIndex<Project>,
  now: Date,
  summary: TickSummary,
): Promise<void> {
  const waiting = await listScheduledRuns(ctx.store, { projectId: project.id, statuses: ['waiting'] });
  if (waiting.length === 0) return;
  const schedule = project.spec.schedule;
  const timetableOn = Boolean(schedule?.cron) && schedule?.enabled !== false;
  const maxActive = schedule?.maxActiveRuns ?? 1;
  let active = (
    await listExecutions(ctx.store, {
      projectId: project.id,
      statuses: ACTIVE_EXECUTION_STATUSES,
      limit: 100,
    })
  ).items.length;

  for (const run of waiting) {
    const ref: RunRef = {
      projectId: project.id,
      projectName: project.name,
      logicalDate: run.logicalDate,
      kind: run.kind,
    };
    const skipWhenFull = run.kind === 'schedule' && schedule?.whenMaxActive === 'skip';
    const hold = async (reason: string, skip = false) => {
      // A long backlog waits for the same reason tick after tick: write only what changed.
      if (skip || reason !== run.reason) {
        await updateScheduledRun(
          ctx.store,
          project.id,
          run.logicalDate,
          { status: skip ? 'skipped' : 'waiting', reason, countAttempt: true },
          { from: ['waiting'] },
        );
      }
      (skip ? summary.skipped : summary.waiting).push({ ...ref, reason });
    };
    const full = (count: number) =>
      hold(`${count} run(s) of "${project.name}" active, at most ${maxActive} at once`, skipWhenFull);

    if (Date.parse(run.logicalDate) > now.getTime()) {
      await hold(`scheduled for ${run.logicalDate}, which has not come yet`);
      continue;
    }
    if (run.kind === 'schedule' && !timetableOn) {
      await hold('the schedule is disabled');
      continue;
    }
    // Waiting for a slot either way: spare the upstream queries (a skipped run is checked first,
    // since one still waiting for its upstream is not skipped).
    if (active >= maxActive && !skipWhenFull) {
      await full(active);
      continue;
    }
    const upstream = await upstreamProblems(ctx, project, index, run);
    if (upstream) {
      await hold(upstream);
      continue;
    }
    if (active >= maxActive) {
      await full(active);
      continue;
    }
    try {
      const executionId = await startScheduledRun(ctx, run);
      summary.started.push({ ...ref, executionId });
      active++;
    } catch (error) {
      // Another start (by hand, by the API) took the last slot between the count and the start.
      if (error instanceof ServiceError && error.code === 'invalid_state') {
        await full(maxActive);
        continue;
      }
      const message = `cannot start the run: ${messageOf(error)}`;
      await hold(message);
      summary.errors.push({ projectId: project.id, message });
    }
  }
}

/**
 * Starts the run through `startExecution`, recording its logical date (on the execution and the
 * scheduled run) before the executor first sees the execution, so the spec it builds has the date.
 */
async function startScheduledRun(ctx: Ctx, run: ScheduledRun): Promise<string> {
  const executor: Executor = {
    kind: ctx.executor.kind,
    start: async (executionId) => {
      await setExecutionLogicalDate(ctx.store, executionId, run.logicalDate);
      await updateScheduledRun(
        ctx.store,
        run.projectId,
        run.logicalDate,
        { status: 'started', executionId, reason: null, startedAt: new Date(), countAttempt: true },
        { from: ['waiting'] },
      );
      await ctx.executor.start(executionId);
    },
    pause: (id) => ctx.executor.pause(id),
    cancel: (id) => ctx.executor.cancel(id),
    settled: (id) => ctx.executor.settled(id),
    close: async () => {},
  };
  const started = await startExecution(
    { store: ctx.store, executor },
    { projectId: run.projectId },
    'schedule',
  );
  return started.executionId;
}

/** Why the run must wait for upstream projects, or null when each has completed its run for the date. */
async function upstreamProblems(
  ctx: Ctx,
  project: Project,
  index: ProjectIndex<Project>,
  run: ScheduledRun,
): Promise<string | null> {
  const problems: string[] = [];
  for (const ref of project.spec.schedule?.dependsOn ?? []) {
    const found = resolveProject(index, ref);
    if (!found.ok) {
      problems.push(`upstream ${found.problem}`);
      continue;
    }
    const upstream = found.project;
    const execution = await latestExecutionForDate(ctx.store, upstream.id, run.logicalDate);
    if (execution?.status === 'completed') continue;
    problems.push(
      execution
        ? `waiting for "${upstream.name}": its run for ${run.logicalDate} is ${execution.status}`
        : `waiting for "${upstream.name}": it has no run for ${run.logicalDate} yet`,
    );
  }
  return problems.length > 0 ? problems.join('; ') : null;
}
