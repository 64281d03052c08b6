/**
 * What an alert is about: a run past its SLA, a failed run, a run that succeeded after failures, or a
 * test a person asked for to see that the alerts arrive.
 */
export type AlertKind = 'sla' | 'failure' | 'recovery' | 'test';

export interface Alert {
  readonly kind: AlertKind;
  readonly projectId: string;
  readonly projectName: string;
  /** The run (execution) the alert is about. */
  readonly executionId: string;
  /** The scheduled instant the run is for, when the schedule started it. */
  readonly logicalDate?: Date;
  readonly startedAt: Date;
  /** When the alert is raised: the run's duration is measured up to here. */
  readonly at: Date;
  /** The SLA that was exceeded, for `sla` alerts. */
  readonly slaMinutes?: number;
  /** Why the run failed, for `failure` alerts; URLs and passwords are removed before sending. */
  readonly error?: string;
  /** The web UI's address, e.g. `https://databridge.example.com`; the alert links to the run. */
  readonly baseUrl: string;
}

/** How long one send may take, and a way to cancel it. */
export interface SendOptions {
  /** Give up on one send after this long; default 10 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** An alert as text, the same for every channel. */
export interface AlertMessage {
  readonly subject: string;
  readonly text: string;
  readonly link: string;
}

/** Where the web UI shows one run. */
export function runLink(baseUrl: string, projectId: string, executionId: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base}/projects/${encodeURIComponent(projectId)}/executions/${encodeURIComponent(executionId)}`;
}

/**
 * Writes the alert: the project, the run, how long it has run and a link to it. An error text is
 * scrubbed of URLs and `password=` values, since a driver's message can quote a connection string and
 * alerts go to inboxes and chat rooms.
 */
export function formatAlert(alert: Alert): AlertMessage {
  const duration = formatDuration(alert.at.getTime() - alert.startedAt.getTime());
  const project = `"${alert.projectName}"`;
  const subject =
    alert.kind === 'sla'
      ? `SLA missed: ${project} run ${alert.executionId} has run ${duration}`
      : alert.kind === 'failure'
        ? `Run failed: ${project} run ${alert.executionId} failed after ${duration}`
        : alert.kind === 'test'
          ? `Test alert: ${project} alerts reach you here`
          : `Recovered: ${project} run ${alert.executionId} succeeded after ${duration}`;
  // A test is about no run: it links to the project's schedule, where the alerts are set.
  const link =
    alert.kind === 'test'
      ? `${alert.baseUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(alert.projectId)}/schedule`
      : runLink(alert.baseUrl, alert.projectId, alert.executionId);
  const lines = [
    `Project: ${alert.projectName}`,
    `Run: ${alert.executionId}`,
    ...(alert.logicalDate ? [`Scheduled for: ${alert.logicalDate.toISOString()}`] : []),
    `Started: ${alert.startedAt.toISOString()}`,
    `${alert.kind === 'sla' ? 'Running for' : 'Ran for'}: ${duration}`,
    ...(alert.kind === 'sla' && alert.slaMinutes !== undefined ? [`SLA: ${alert.slaMinutes} min`] : []),
    ...(alert.kind === 'failure' && alert.error ? [`Error: ${scrubSecrets(alert.error)}`] : []),
    `Open the run: ${link}`,
  ];
  const text =
    alert.kind === 'test'
      ? [
          `Project: ${alert.projectName}`,
          'This is a test alert. Alerts about runs of this project arrive the same way.',
          `Open the schedule: ${link}`,
        ]
      : lines;
  return { subject: `[DataBridge] ${subject}`, text: `${text.join('\n')}\n`, link };
}

/** `2 h 05 min`, `12 min`, `45 s`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Removes anything that looks like a URL or a `password=` value from free text. */
export function scrubSecrets(text: string): string {
  // A secret runs to the next space; only punctuation that ends the sentence ("…/db).") is given back.
  const keepEnd = (match: string) => /[)\]}>"',.;:]*$/.exec(match)![0];
  return text
    .replace(/\b(?:[a-z][a-z0-9+.-]*:\/\/|sqlite:)\S+/gi, (match) => `[URL removed]${keepEnd(match)}`)
    .replace(
      /\b(password|passwd|pwd|secret|token)(\s*[=:]\s*)(\S+)/gi,
      (_, name: string, _sep: string, value: string) => `${name}=[removed]${keepEnd(value)}`,
    );
}
