import { randomUUID } from 'node:crypto';
import { messageOf } from '@databridge/engine';
import { acquireLease, listProjects, listProjectsWithWaitingRuns, releaseLease } from '@databridge/store';
import type { AlertLogEntry } from '../alerts/deliver-alert.ts';
import { type SmtpSettings, smtpSettingsFromEnv } from '../alerts/smtp-settings.ts';
import type { ServiceContext } from '../context.ts';
import type { ServerEnv } from '../env.ts';
import {
  type ArtefactUpkeepContext,
  pruneExpiredArtefacts,
  uploadLeftArtefacts,
} from '../run/artefact-upkeep.ts';
import { pruneExpiredStaging, type StagingUpkeepContext } from '../run/staging-upkeep.ts';
import { claimDueRuns } from './claim-due-runs.ts';
import { indexProjects } from './project-index.ts';
import { startWaitingRuns } from './start-waiting-runs.ts';
import { emptySummary, type TickSummary } from './tick-summary.ts';
import { sendDueAlerts } from './watch-alerts.ts';

/** What a tick works with; `env.baseUrl` is where alert links point (default http://localhost:3000). */
export type TickContext = Pick<ServiceContext, 'store' | 'executor'> &
  Omit<ArtefactUpkeepContext, 'store' | 'env'> & {
    readonly env?: Pick<ServerEnv, 'baseUrl'> & ArtefactUpkeepContext['env'] & StagingUpkeepContext['env'];
  };

export interface SchedulerLogEntry {
  readonly level: 'warning' | 'error';
  readonly message: string;
  readonly projectId?: string;
  readonly executionId?: string;
}

export interface TickOptions {
  /** SMTP for alert emails; by default read from the environment (`SMTP_HOST`…), null for none. */
  readonly smtp?: SmtpSettings | null;
  /** Receives every failed alert send and every problem of a project; default: the console. */
  readonly log?: (entry: SchedulerLogEntry) => void;
  /** Alert sends per channel before giving up; default 3. */
  readonly alertAttempts?: number;
  /** Wait before an alert's first retry, doubled after; default 2 s. */
  readonly alertRetryDelayMs?: number;
  /** Limit for one alert send; default 10 s. */
  readonly alertTimeoutMs?: number;
}

/** How long one scheduler may hold a project before another may take over (a crashed process). */
const PROJECT_LEASE_MS = 5 * 60_000;

/**
 * One pass of the scheduler at `now`, the same whoever calls it (the `databridge scheduler` loop,
 * `databridge serve`, `GET /api/cron/tick`), and safe to run in several processes at once:
 *
 * 1. For each project with an enabled timetable, claim the runs due by `now` (catch-up on: every
 *    one missed since the last; off: the latest only; a new timetable starts from its save). The
 *    store's key on (project, logical date) makes each claim succeed in one scheduler only.
 * 2. For each project with waiting runs, oldest first: start the run (`startExecution`, trigger
 *    `schedule`, with its logical date) when every upstream project has completed its run for the
 *    same logical date and the project is below `maxActiveRuns`; otherwise it waits and says why,
 *    or is skipped (`whenMaxActive: skip`). One scheduler at a time handles a project (a lease),
 *    so the limit holds between processes.
 * 3. Alerts: SLA, failure and recovery, each claimed once per run before it is sent.
 * 4. Artefacts: left uploads, and their retention.
 * 5. Staging: the retention of staged runs' schemas (run/staging-upkeep.ts).
 *
 * A problem with one project or alert is logged and reported in the summary; the tick goes on.
 */
export async function tick(
  ctx: TickContext,
  now: Date = new Date(),
  options: TickOptions = {},
): Promise<TickSummary> {
  const summary = emptySummary(now);
  const log = safely(options.log ?? logToConsole);
  const holder = `${process.pid}:${randomUUID()}`;
  const projects = await listProjects(ctx.store);
  const index = indexProjects(projects);
  const withWaiting = new Set(await listProjectsWithWaitingRuns(ctx.store));

  for (const project of projects) {
    if (!project.spec.schedule?.cron && !withWaiting.has(project.id)) continue;
    const lease = `project:${project.id}`;
    try {
      if (!(await acquireLease(ctx.store, lease, holder, PROJECT_LEASE_MS))) {
        summary.busy.push(project.id);
        continue;
      }
      try {
        await claimDueRuns(ctx.store, project, now);
        await startWaitingRuns(ctx, project, index, now, summary);
      } finally {
        await releaseLease(ctx.store, lease, holder);
      }
    } catch (error) {
      const message = messageOf(error);
      summary.errors.push({ projectId: project.id, message });
      log({ level: 'error', message: `project "${project.name}": ${message}`, projectId: project.id });
    }
  }

  try {
    await sendDueAlerts(
      ctx.store,
      index.byId,
      now,
      {
        smtp: smtpSettings(options, log),
        baseUrl: ctx.env?.baseUrl ?? 'http://localhost:3000',
        log: (entry: AlertLogEntry) =>
          log({
            level: entry.level,
            message: `${entry.channel} alert: ${entry.message}`,
            projectId: entry.projectId,
            executionId: entry.executionId,
          }),
        ...(options.alertAttempts === undefined ? {} : { attempts: options.alertAttempts }),
        ...(options.alertRetryDelayMs === undefined ? {} : { retryDelayMs: options.alertRetryDelayMs }),
        ...(options.alertTimeoutMs === undefined ? {} : { timeoutMs: options.alertTimeoutMs }),
      },
      summary,
    );
  } catch (error) {
    const message = `alerts: ${messageOf(error)}`;
    summary.errors.push({ message });
    log({ level: 'error', message });
  }
  try {
    // 4. Artefacts: uploads a failed upload left here, and the retention of DATABRIDGE_ARTEFACT_RETENTION_DAYS.
    await uploadLeftArtefacts(ctx);
    await pruneExpiredArtefacts(ctx, now);
  } catch (error) {
    const message = `artefacts: ${messageOf(error)}`;
    summary.errors.push({ message });
    log({ level: 'error', message });
  }
  try {
    // 5. Staging: the schemas whose keepStaging, or the failed runs' limit, has run out.
    for (const dropped of await pruneExpiredStaging(ctx, now))
      summary.stagingDropped.push({ schema: dropped.schema, runId: dropped.runId, why: dropped.why });
  } catch (error) {
    const message = `staging retention: ${messageOf(error)}`;
    summary.errors.push({ message });
    log({ level: 'error', message });
  }
  return summary;
}

function smtpSettings(options: TickOptions, log: (entry: SchedulerLogEntry) => void): SmtpSettings | null {
  if (options.smtp !== undefined) return options.smtp;
  try {
    return smtpSettingsFromEnv();
  } catch (error) {
    log({ level: 'error', message: messageOf(error) });
    return null;
  }
}

/** A logger that throws must not turn a logged problem into a failed tick. */
function safely(log: (entry: SchedulerLogEntry) => void): (entry: SchedulerLogEntry) => void {
  return (entry) => {
    try {
      log(entry);
    } catch {
      // nothing left to tell
    }
  };
}

function logToConsole(entry: SchedulerLogEntry): void {
  const where = entry.executionId ? ` (execution ${entry.executionId})` : '';
  const line = `[scheduler] ${entry.message}${where}`;
  if (entry.level === 'error') console.error(line);
  else console.warn(line);
}
