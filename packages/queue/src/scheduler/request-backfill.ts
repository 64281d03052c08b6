import { isDataBridgeError } from '@databridge/engine';
import { claimScheduledRun, getProject, updateScheduledRun } from '@databridge/store';
import { z } from 'zod';
import type { ServiceContext } from '../context.ts';
import { backfillDates } from '../schedule/backfill.ts';
import { ServiceError } from '../services/service-error.ts';

/** An instant as the API takes it: ISO-8601 with an offset (`2024-05-01T00:00:00Z`) or a UTC date. */
const Instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], {
    error: 'must be an ISO-8601 time such as 2024-05-01T00:00:00Z, or a date such as 2024-05-01',
  })
  .transform((text) => new Date(text));

/** The body of `POST /api/projects/[id]/backfill`. */
export const BackfillInput = z.object({ from: Instant, to: Instant }).strict();

export interface BackfillRun {
  readonly logicalDate: string;
  /** `created`: a new run; `reopened`: a skipped run waits again; `exists`: already waiting or started. */
  readonly outcome: 'created' | 'reopened' | 'exists';
}

export interface BackfillResult {
  readonly projectId: string;
  readonly runs: readonly BackfillRun[];
  /** Runs that will start (created or reopened). */
  readonly queued: number;
}

const REASON = 'backfill: waiting for the scheduler to start it';

/**
 * Asks for one run per scheduled time of the project's timetable in [from, to], both ends
 * included, each with that time as its logical date. The runs are claimed like a tick's (a date
 * that already has a run keeps it; a skipped one waits again) and the scheduler's ticks start them,
 * oldest first, as `maxActiveRuns` allows; a backfill run is never skipped for a full slot. Throws
 * `not_found`, or `bad_input` for a project without a timetable, a range that ends before it starts,
 * ends in the future (the timetable runs what is to come) or holds more than 1,000 scheduled times.
 */
export async function backfill(
  ctx: Pick<ServiceContext, 'store'>,
  projectId: string,
  from: Date,
  to: Date,
  options: { readonly now?: Date } = {},
): Promise<BackfillResult> {
  const project = await getProject(ctx.store, projectId);
  if (!project) throw new ServiceError('not_found', `There is no project ${projectId}`);
  const schedule = project.spec.schedule;
  if (!schedule?.cron) {
    throw new ServiceError(
      'bad_input',
      `Project "${project.name}" has no timetable: a backfill makes one run per scheduled time, so give it a schedule first.`,
      { field: 'schedule.cron' },
    );
  }
  const now = options.now ?? new Date();
  if (to > now) {
    throw new ServiceError(
      'bad_input',
      `To (${to.toISOString()}) is in the future: a backfill covers the past and the schedule runs what is to come, so end it before now.`,
      { field: 'to' },
    );
  }
  let dates: Date[];
  try {
    dates = backfillDates({ cron: schedule.cron, timezone: schedule.timezone }, from, to);
  } catch (error) {
    // The range's own field (from, to) when the engine names one.
    const where = isDataBridgeError(error) ? error.where : undefined;
    const field = where === 'from' || where === 'to' ? where : undefined;
    throw new ServiceError('bad_input', (error as Error).message, {
      cause: error,
      ...(field ? { field } : {}),
    });
  }
  const runs: BackfillRun[] = [];
  for (const logicalDate of dates) {
    const claimed = await claimScheduledRun(ctx.store, {
      projectId,
      logicalDate,
      kind: 'backfill',
      reason: REASON,
    });
    const reopened =
      !claimed &&
      (await updateScheduledRun(
        ctx.store,
        projectId,
        logicalDate,
        { status: 'waiting', kind: 'backfill', reason: REASON, executionId: null },
        { from: ['skipped'] },
      ));
    runs.push({
      logicalDate: logicalDate.toISOString(),
      outcome: claimed ? 'created' : reopened ? 'reopened' : 'exists',
    });
  }
  return { projectId, runs, queued: runs.filter((r) => r.outcome !== 'exists').length };
}
