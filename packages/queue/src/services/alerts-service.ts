import { peopleError, ScheduleAlerts } from '@databridge/engine';
import type { z } from 'zod';
import { type ChannelResult, deliverAlert } from '../alerts/deliver-alert.ts';
import { type AlertDeliveryProblem, alertDeliveryProblems } from '../alerts/delivery-problems.ts';
import { smtpSettingsFromEnv, smtpStatus } from '../alerts/smtp-settings.ts';
import type { ServiceContext } from '../context.ts';
import { requireProject } from './projects-service.ts';
import { ServiceError } from './service-error.ts';

/**
 * Body of `POST /api/projects/[id]/test-alert`: the addresses and webhook as step 4 holds them (saved
 * or not), checked by the spec's own schema so that the messages are the ones the spec gives.
 */
export const TestAlertInput = ScheduleAlerts.pick({ emails: true, slackWebhookUrl: true });
export type TestAlertInput = z.input<typeof TestAlertInput>;

export interface TestAlertResult {
  /** One per channel tried: whether it went out, and why not. */
  readonly results: readonly ChannelResult[];
  /** What stands in the way of real alerts too (no SMTP settings, a plain http webhook). */
  readonly problems: readonly AlertDeliveryProblem[];
}

/** Whether alerts of these settings could reach anyone from this server, without sending anything. */
export function checkAlertDelivery(
  alerts: z.input<typeof TestAlertInput> | undefined,
): AlertDeliveryProblem[] {
  return alertDeliveryProblems(alerts, smtpStatus());
}

/**
 * Sends a test alert through the real senders (SMTP from the server's settings, the Slack webhook)
 * once per channel, without retries, and says per channel whether it went out. `bad_input` when
 * there is nowhere to send; `not_found` for an unknown project.
 */
export async function sendTestAlert(
  ctx: Pick<ServiceContext, 'store' | 'env'>,
  projectId: string,
  input: TestAlertInput,
  options: { timeoutMs?: number } = {},
): Promise<TestAlertResult> {
  const project = await requireProject(ctx, projectId);
  const channels = TestAlertInput.parse(input, { error: peopleError });
  if (channels.emails.length === 0 && !channels.slackWebhookUrl) {
    throw new ServiceError('bad_input', 'emails: add an e-mail address or a Slack webhook first, then test');
  }
  const status = smtpStatus();
  const now = new Date();
  const results = await deliverAlert({
    alert: {
      kind: 'test',
      projectId: project.id,
      projectName: project.name,
      executionId: 'test',
      startedAt: now,
      at: now,
      baseUrl: ctx.env.baseUrl,
    },
    channels,
    smtp: status.state === 'configured' ? smtpSettingsFromEnv() : null,
    log: () => {}, // the answer carries every failure
    attempts: 1,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  return { results, problems: alertDeliveryProblems(channels, status) };
}
