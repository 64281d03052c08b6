import { isTransientFailure } from '@databridge/engine';

/**
 * True when an error (or any error in its cause chain) is one a retry can cure: the engine's own
 * classification by driver code (SQLSTATE, mysql2 code or errno, SQLite result code), so that the
 * queue retries exactly what the engine calls transient. A bad spec, bad credentials or a
 * constraint violation is not: retrying would fail the same way.
 */
export function isTransientError(error: unknown): boolean {
  return isTransientFailure(error);
}
