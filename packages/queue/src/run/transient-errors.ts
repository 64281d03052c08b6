import { isDataBridgeError } from '@databridge/engine';

// Lost connections, deadlocks, serialization failures, lock and statement timeouts: worth another try.
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006', // connection exceptions
  '53300', // too_many_connections
  'SQLITE_BUSY',
]);

// What the drivers say when the connection under a query went away (pg has no code for some of these).
const TRANSIENT_MESSAGE =
  /Connection terminated|connection lost|server closed the connection|terminating connection|not queryable|deadlock/i;

/**
 * True when an error (or any error in its cause chain) is one a retry can cure. A bad spec, bad
 * credentials or a constraint violation is not: retrying would fail the same way.
 */
export function isTransientError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (isDataBridgeError(e)) {
      if (e.isTransient) return true;
      if (e.isBadInput || e.code === 'constraint_violation' || e.code === 'auth_failed') return false;
    }
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
    const message = e instanceof Error ? e.message : '';
    if (TRANSIENT_MESSAGE.test(message)) return true;
  }
  return false;
}
