import { createHash, timingSafeEqual } from 'node:crypto';
import { ServiceError } from '../services/service-error.ts';

/**
 * Checks the `Authorization: Bearer <CRON_SECRET>` of a tick request (what Vercel Cron sends).
 * Throws `unavailable` (503) while CRON_SECRET is unset, so the endpoint is off rather than open,
 * and `unauthorized` (401) for a missing or wrong secret. Both sides are hashed first, so the
 * comparison is constant-time over equal-length digests and leaks neither the secret nor its length.
 */
export function authorizeCronRequest(authorization: string | null, cronSecret: string | undefined): void {
  if (!cronSecret) {
    throw new ServiceError('unavailable', 'the tick endpoint is off: set CRON_SECRET to turn it on');
  }
  const given = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '')?.[1] ?? '';
  const matches = timingSafeEqual(digest(given), digest(cronSecret));
  if (!given || !matches) {
    throw new ServiceError('unauthorized', 'send the header Authorization: Bearer <CRON_SECRET>');
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
