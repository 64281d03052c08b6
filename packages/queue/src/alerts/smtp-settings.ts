import { DataBridgeError } from '@databridge/engine';
import { z } from 'zod';
import type { SmtpStatus } from './delivery-problems.ts';

/** Where alert emails go out, read from the environment once at start-up. */
export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS is used when the server offers it. */
  readonly secure: boolean;
  readonly auth: { readonly user: string; readonly pass: string } | undefined;
  /** The sender, `alerts@example.com` or `DataBridge <alerts@example.com>`. */
  readonly from: string;
}

const address = /^[^\s@<>]+@[^\s@<>]+$/;
const sender = /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;
const unset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const SmtpEnv = z
  .object({
    SMTP_HOST: z.string().trim().min(1),
    SMTP_PORT: z.preprocess(
      unset,
      z
        .string()
        .trim()
        .regex(/^\d+$/, { error: (issue) => `must be a port number, not "${issue.input}"` })
        .transform(Number)
        .refine((port) => port >= 1 && port <= 65_535, 'must be a port number from 1 to 65535')
        .optional(),
    ),
    SMTP_SECURE: z.preprocess(
      (value) => (typeof value === 'string' ? unset(value.trim().toLowerCase()) : value),
      z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' }).optional(),
    ),
    SMTP_USER: z.preprocess(unset, z.string().optional()),
    SMTP_PASSWORD: z.preprocess(unset, z.string().optional()),
    SMTP_FROM: z.preprocess(
      unset,
      z
        .string()
        .trim()
        .regex(sender, 'must be an address, e.g. alerts@example.com or "DataBridge <alerts@example.com>"')
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.SMTP_PASSWORD !== undefined && env.SMTP_USER === undefined)
      ctx.addIssue({ code: 'custom', path: ['SMTP_USER'], message: 'is required when SMTP_PASSWORD is set' });
    if (env.SMTP_USER !== undefined && env.SMTP_PASSWORD === undefined)
      ctx.addIssue({ code: 'custom', path: ['SMTP_PASSWORD'], message: 'is required when SMTP_USER is set' });
    if (env.SMTP_FROM === undefined && !address.test(env.SMTP_USER ?? '')) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMTP_FROM'],
        message: 'is required (the sender of alert emails) unless SMTP_USER is an email address',
      });
    }
  });

/**
 * Reads the SMTP settings for alert emails: `SMTP_HOST` (without it email alerts are off and this
 * returns null), `SMTP_PORT` (default 465 when secure, else 587), `SMTP_SECURE` (default true on port
 * 465), `SMTP_USER` with `SMTP_PASSWORD` (both or neither) and `SMTP_FROM` (default `SMTP_USER` when
 * that is an address). Throws `bad_spec` naming the variable, e.g. `SMTP_PORT must be a port number,
 * not "abc"`; the password never appears in a message.
 */
export function smtpSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpSettings | null {
  if (unset(env.SMTP_HOST) === undefined) return null;
  const parsed = SmtpEnv.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${String(issue.path[0] ?? 'SMTP')} ${issue.message}`,
    );
    throw new DataBridgeError('bad_spec', `Email alerts are misconfigured: ${problems.join('; ')}`, {
      where: String(parsed.error.issues[0]?.path[0] ?? 'SMTP_HOST'),
    });
  }
  const { SMTP_HOST, SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASSWORD, SMTP_FROM } = parsed.data;
  const secure = SMTP_SECURE === undefined ? SMTP_PORT === 465 : ['true', '1', 'yes'].includes(SMTP_SECURE);
  return {
    host: SMTP_HOST,
    port: SMTP_PORT ?? (secure ? 465 : 587),
    secure,
    auth:
      SMTP_USER !== undefined && SMTP_PASSWORD !== undefined
        ? { user: SMTP_USER, pass: SMTP_PASSWORD }
        : undefined,
    from: SMTP_FROM ?? SMTP_USER!,
  };
}

/** Whether alert e-mails can go out from this server: the settings are there, absent, or wrong (and why). */
export function smtpStatus(env: NodeJS.ProcessEnv = process.env): SmtpStatus {
  try {
    return smtpSettingsFromEnv(env) ? { state: 'configured' } : { state: 'missing' };
  } catch (error) {
    return { state: 'invalid', message: error instanceof Error ? error.message : String(error) };
  }
}
