import type { ScheduleAlerts } from '@databridge/engine';
import {
  type AlertableExecution,
  claimOutcomeAlert,
  claimSlaAlert,
  listSlaCandidates,
  listUndecidedOutcomes,
  type Project,
  previousOutcome,
  type Store,
} from '@databridge/store';
import type { Alert, AlertKind } from '../alerts/alert-message.ts';
import { type AlertLogEntry, deliverAlert } from '../alerts/deliver-alert.ts';
import type { SmtpSettings } from '../alerts/smtp-settings.ts';
import type { TickSummary } from './tick-summary.ts';

/** How alerts go out during a tick. */
export interface AlertDelivery {
  readonly smtp: SmtpSettings | null;
  readonly baseUrl: string;
  readonly log: (entry: AlertLogEntry) => void;
  /** Sends per channel before giving up (default 3), the first retry's wait (default 2 s), one send's limit (10 s). */
  readonly attempts?: number;
  readonly retryDelayMs?: number;
  readonly timeoutMs?: number;
}

/** Outcomes older than this are not alerted any more: a week-late failure alert is noise. */
const OUTCOME_WINDOW_MS = 7 * 86_400_000;

interface PendingAlert {
  readonly alert: Alert;
  readonly alerts: ScheduleAlerts;
}

/**
 * The alerts due at `now`, each claimed in the store before it is sent so that it goes out once
 * per run whichever scheduler claims it: SLA (an active run older than `sla.minutes`), failure (a
 * run that failed, `onFailure`) and recovery (a run that completed after a failed one,
 * `onRecovery`). Sending never throws: a failed channel is logged and reported in the summary.
 */
export async function sendDueAlerts(
  store: Store,
  projects: ReadonlyMap<string, Project>,
  now: Date,
  delivery: AlertDelivery,
  summary: TickSummary,
): Promise<void> {
  const pending = [
    ...(await slaAlerts(store, projects, now, delivery.baseUrl)),
    ...(await outcomeAlerts(store, projects, now, delivery.baseUrl)),
  ];
  const sent = await Promise.all(
    pending.map(async ({ alert, alerts }) => ({
      kind: alert.kind,
      projectId: alert.projectId,
      executionId: alert.executionId,
      channels: await deliverAlert({
        alert,
        channels: { emails: alerts.emails, slackWebhookUrl: alerts.slackWebhookUrl },
        smtp: delivery.smtp,
        log: delivery.log,
        ...(delivery.attempts === undefined ? {} : { attempts: delivery.attempts }),
        ...(delivery.retryDelayMs === undefined ? {} : { retryDelayMs: delivery.retryDelayMs }),
        ...(delivery.timeoutMs === undefined ? {} : { timeoutMs: delivery.timeoutMs }),
      }),
    })),
  );
  summary.alerts.push(...sent);
}

function hasChannels(alerts: ScheduleAlerts | undefined): alerts is ScheduleAlerts {
  return Boolean(alerts && (alerts.emails.length > 0 || alerts.slackWebhookUrl));
}

async function slaAlerts(
  store: Store,
  projects: ReadonlyMap<string, Project>,
  now: Date,
  baseUrl: string,
): Promise<PendingAlert[]> {
  const watched = [...projects.values()].filter(
    (p) => p.spec.schedule?.sla && p.spec.schedule.alerts.onSla && hasChannels(p.spec.schedule.alerts),
  );
  const found: PendingAlert[] = [];
  for (const execution of await listSlaCandidates(
    store,
    watched.map((p) => p.id),
  )) {
    const project = projects.get(execution.projectId)!;
    const schedule = project.spec.schedule!;
    const minutes = schedule.sla!.minutes;
    const startedAt = new Date(execution.startedAt ?? execution.createdAt);
    if (now.getTime() - startedAt.getTime() < minutes * 60_000) continue;
    if (!(await claimSlaAlert(store, execution.id, now))) continue;
    found.push({
      alert: { ...alertFor('sla', project, execution, startedAt, now, baseUrl), slaMinutes: minutes },
      alerts: schedule.alerts,
    });
  }
  return found;
}

async function outcomeAlerts(
  store: Store,
  projects: ReadonlyMap<string, Project>,
  now: Date,
  baseUrl: string,
): Promise<PendingAlert[]> {
  const found: PendingAlert[] = [];
  // Ended times are real time, whatever clock the tick was given.
  const endedSince = new Date(Math.min(now.getTime(), Date.now()) - OUTCOME_WINDOW_MS);
  for (const execution of await listUndecidedOutcomes(store, { endedSince })) {
    // Every outcome is decided once, alert or not, so switching alerts on later does not replay history.
    if (!(await claimOutcomeAlert(store, execution))) continue;
    const project = projects.get(execution.projectId);
    const alerts = project?.spec.schedule?.alerts;
    if (!project || !hasChannels(alerts)) continue;
    const startedAt = new Date(execution.startedAt ?? execution.createdAt);
    const endedAt = new Date(execution.endedAt ?? now);
    if (execution.status === 'failed' && alerts.onFailure) {
      const alert = alertFor('failure', project, execution, startedAt, endedAt, baseUrl);
      found.push({ alert: { ...alert, error: execution.errorMessage ?? 'unknown error' }, alerts });
    } else if (execution.status === 'completed' && alerts.onRecovery) {
      // A retried execution that failed before counts, as does a failed previous run.
      const recovered =
        execution.outcomeAlerted?.startsWith('failed:') ||
        (await previousOutcome(store, execution)) === 'failed';
      if (recovered)
        found.push({ alert: alertFor('recovery', project, execution, startedAt, endedAt, baseUrl), alerts });
    }
  }
  return found;
}

function alertFor(
  kind: AlertKind,
  project: Project,
  execution: AlertableExecution,
  startedAt: Date,
  at: Date,
  baseUrl: string,
): Alert {
  return {
    kind,
    projectId: project.id,
    projectName: project.name,
    executionId: execution.id,
    ...(execution.logicalDate ? { logicalDate: new Date(execution.logicalDate) } : {}),
    startedAt,
    at,
    baseUrl,
  };
}
