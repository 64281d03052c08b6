/**
 * Why a project's alerts would not reach anyone, found before a run needs them: e-mail addresses
 * without SMTP settings on the server, a Slack webhook over plain http. Plain code (no driver, no
 * Node-only module): the wizard's step 4 shows the same problems as the plan.
 */

/** What the server's SMTP settings are: there, absent, or present but wrong (with why). */
export type SmtpStatus =
  | { readonly state: 'configured' }
  | { readonly state: 'missing' }
  | { readonly state: 'invalid'; readonly message: string };

export interface AlertDeliveryProblem {
  readonly channel: 'email' | 'slack';
  readonly message: string;
  /** What to do about it. */
  readonly fix: string;
}

/** The alert settings the checks read; the spec's `schedule.alerts` fits. */
export interface AlertTargets {
  readonly emails?: readonly string[] | undefined;
  readonly slackWebhookUrl?: string | undefined;
}

export function alertDeliveryProblems(
  alerts: AlertTargets | undefined,
  smtp: SmtpStatus,
): AlertDeliveryProblem[] {
  const problems: AlertDeliveryProblem[] = [];
  const emails = alerts?.emails ?? [];
  if (emails.length > 0 && smtp.state !== 'configured') {
    const count = `${emails.length} address${emails.length === 1 ? '' : 'es'}`;
    problems.push({
      channel: 'email',
      message:
        smtp.state === 'missing'
          ? `E-mail alerts to ${count} cannot be sent: the server has no SMTP settings.`
          : `E-mail alerts to ${count} cannot be sent: ${smtp.message}.`,
      fix: 'Set SMTP_HOST and SMTP_FROM (and SMTP_USER / SMTP_PASSWORD if the server needs them) where DataBridge runs, or use Slack.',
    });
  }
  const slack = alerts?.slackWebhookUrl?.trim();
  if (slack && /^http:\/\//i.test(slack)) {
    problems.push({
      channel: 'slack',
      message:
        'The Slack webhook URL uses plain http://: the URL is a secret and would travel unencrypted, and Slack only answers on https://.',
      fix: 'Use the https:// address Slack gave you.',
    });
  }
  return problems;
}
