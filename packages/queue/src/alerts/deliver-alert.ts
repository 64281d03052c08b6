import { setTimeout as sleep } from 'node:timers/promises';
import { isDataBridgeError, messageOf } from '@databridge/engine';
import type { Alert } from './alert-message.ts';
import { sendEmailAlert } from './email-alert.ts';
import { sendSlackAlert } from './slack-alert.ts';
import type { SmtpSettings } from './smtp-settings.ts';

/** Where a project's alerts go; the spec's `schedule.alerts` fits. */
export interface AlertChannels {
  readonly emails?: readonly string[];
  readonly slackWebhookUrl?: string | undefined;
}

export type AlertChannel = 'email' | 'slack';

export interface ChannelResult {
  readonly channel: AlertChannel;
  readonly ok: boolean;
  /** Sends tried, retries included. */
  readonly attempts: number;
  /** The last failure, when `ok` is false. */
  readonly error?: string;
}

export interface AlertLogEntry {
  readonly level: 'warning' | 'error';
  readonly message: string;
  readonly channel: AlertChannel;
  readonly attempt: number;
  readonly projectId: string;
  readonly executionId: string;
}

export interface DeliverAlertOptions {
  readonly alert: Alert;
  readonly channels: AlertChannels;
  /** From `smtpSettingsFromEnv`; null when SMTP is not configured, which fails the email channel. */
  readonly smtp: SmtpSettings | null;
  /** Receives every failed send: `warning` when it will be retried, `error` when the channel gave up. */
  readonly log: (entry: AlertLogEntry) => void;
  /** Sends per channel before giving up; default 3. */
  readonly attempts?: number;
  /** Wait before the first retry, doubled for each further one; default 2 s. */
  readonly retryDelayMs?: number;
  /** Limit for one send; default 10 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Sends an alert to every configured channel at once, retrying a channel's transient failures with
 * backoff. It never throws: an alert that cannot go out must not fail the run it is about, so each
 * failure is logged through `log` and reported in the channel's result.
 */
export async function deliverAlert(options: DeliverAlertOptions): Promise<ChannelResult[]> {
  const { alert, channels, smtp } = options;
  const sends: { channel: AlertChannel; send: () => Promise<void> }[] = [];
  const sendOptions = {
    timeoutMs: options.timeoutMs ?? 10_000,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const emails = channels.emails ?? [];
  if (emails.length > 0) {
    sends.push({
      channel: 'email',
      send: () => {
        if (!smtp) throw new Error('email alerts need SMTP settings: set SMTP_HOST and SMTP_FROM');
        return sendEmailAlert(smtp, emails, alert, sendOptions);
      },
    });
  }
  if (channels.slackWebhookUrl) {
    const url = channels.slackWebhookUrl;
    sends.push({ channel: 'slack', send: () => sendSlackAlert(url, alert, sendOptions) });
  }
  return Promise.all(sends.map(({ channel, send }) => withRetries(channel, send, options)));
}

async function withRetries(
  channel: AlertChannel,
  send: () => Promise<void>,
  options: DeliverAlertOptions,
): Promise<ChannelResult> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const firstDelay = options.retryDelayMs ?? 2_000;
  for (let attempt = 1; ; attempt++) {
    try {
      await send();
      return { channel, ok: true, attempts: attempt };
    } catch (error) {
      const message = messageOf(error);
      // Only transient failures are worth another try; a refused address or password stays refused.
      const retry =
        attempt < attempts && isDataBridgeError(error) && error.isTransient && !options.signal?.aborted;
      try {
        options.log({
          level: retry ? 'warning' : 'error',
          message: retry ? `${message} (retrying, attempt ${attempt} of ${attempts})` : message,
          channel,
          attempt,
          projectId: options.alert.projectId,
          executionId: options.alert.executionId,
        });
      } catch {
        // A broken logger must not turn a failed alert into a failed run either.
      }
      if (!retry) return { channel, ok: false, attempts: attempt, error: message };
      await sleep(firstDelay * 2 ** (attempt - 1));
    }
  }
}
