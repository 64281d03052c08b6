import { DataBridgeError, type ErrorCode } from '@databridge/engine';
import { createTransport } from 'nodemailer';
import { type Alert, formatAlert, type SendOptions } from './alert-message.ts';
import type { SmtpSettings } from './smtp-settings.ts';

/**
 * Emails the alert to every address in one message. Throws a `DataBridgeError` whose code says
 * whether another try may help: `connection_failed` or `transient` (retry), `auth_failed` (fix
 * SMTP_USER/SMTP_PASSWORD), `bad_spec` (the server refused an address or the message for good).
 */
export async function sendEmailAlert(
  smtp: SmtpSettings,
  to: readonly string[],
  alert: Alert,
  options: SendOptions = {},
): Promise<void> {
  if (to.length === 0) throw new DataBridgeError('bad_spec', 'no email address to send the alert to');
  const timeout = options.timeoutMs ?? 10_000;
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.pass } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  const message = formatAlert(alert);
  try {
    await transport.sendMail({
      from: smtp.from,
      to: [...to],
      subject: message.subject,
      text: message.text,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    const cause = error as { code?: string; permanent?: boolean; responseCode?: number; message?: string };
    throw new DataBridgeError(
      smtpErrorCode(cause),
      `Email alert to ${to.join(', ')} via ${smtp.host}:${smtp.port} failed: ${cause.message ?? String(error)}`,
      { cause: error },
    );
  } finally {
    transport.close();
  }
}

function smtpErrorCode(error: { code?: string; permanent?: boolean }): ErrorCode {
  if (error.code === 'EAUTH' || error.code === 'ENOAUTH') return 'auth_failed';
  if (error.permanent === true || error.code === 'EENVELOPE') return 'bad_spec';
  if (['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY'].includes(error.code ?? ''))
    return 'connection_failed';
  if (error.code === 'EABORT') return 'cancelled';
  return 'transient';
}
