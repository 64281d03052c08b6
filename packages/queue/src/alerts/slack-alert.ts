import { DataBridgeError } from '@databridge/engine';
import { type Alert, formatAlert, type SendOptions } from './alert-message.ts';
import { checkWebhookAddress, privateWebhooksAllowed, refuseInternalAddresses } from './webhook-address.ts';
import { postJson } from './webhook-post.ts';

/**
 * Posts the alert to a Slack (or Slack-compatible) incoming webhook as `{ text }`. Any answer but
 * 2xx is an error: `transient` for 429 and 5xx, `bad_spec` for other statuses (a revoked or mistyped
 * webhook), `connection_failed` when nothing answers in time. The webhook URL is a secret and is
 * never put in an error message; nor is what the webhook answered (it could be any server's page).
 * Internal addresses are refused (webhook-address.ts) and redirects are not followed, so a webhook
 * cannot lead the server into its own network.
 */
export async function sendSlackAlert(
  webhookUrl: string,
  alert: Alert,
  options: SendOptions = {},
): Promise<void> {
  await checkWebhookAddress(webhookUrl);
  const message = formatAlert(alert);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let status: number;
  try {
    status = await postJson(webhookUrl, JSON.stringify({ text: `*${message.subject}*\n${message.text}` }), {
      signal,
      ...(privateWebhooksAllowed() ? {} : { checkAddress: refuseInternalAddresses }),
    });
  } catch (error) {
    if (error instanceof DataBridgeError) throw error;
    if (options.signal?.aborted)
      throw new DataBridgeError('cancelled', 'Slack alert cancelled', { cause: error });
    const reason = timeout.aborted ? 'no answer in time' : describeFetchError(error);
    throw new DataBridgeError('connection_failed', `Slack alert failed: ${reason}`, { cause: error });
  }
  if (status >= 200 && status < 300) return;
  const retry = status === 429 || status >= 500;
  throw new DataBridgeError(
    retry ? 'transient' : 'bad_spec',
    `Slack alert failed: the webhook answered ${status}${status >= 300 && status < 400 ? ' (a redirect, not followed)' : ''}`,
  );
}

function describeFetchError(error: unknown): string {
  const failure = error as { code?: string; cause?: { code?: string; message?: string } };
  return (
    failure.code ??
    failure.cause?.code ??
    failure.cause?.message ??
    (error instanceof Error ? error.message : String(error))
  );
}
