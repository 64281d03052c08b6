import { StoreError } from './errors.ts';
import type { Store } from './open-store.ts';
import { readTime, type TimeInput, toIso } from './values.ts';

/**
 * The rate limit on sign-in. The caller records each failed attempt under every key it counts
 * against (e.g. `account-address:<email key> <client address>` and `address:<client address>`) and, before checking a
 * password, refuses when any of those keys is limited. Kept in the store rather than in memory so
 * every web server process sees the same count and a restart does not reset it.
 */
export interface LoginLimit {
  /** The most attempts allowed within the window. */
  readonly max: number;
  readonly windowMs: number;
  /** Defaults to the current time. */
  readonly now?: TimeInput;
}

export interface LoginLimitState {
  readonly limited: boolean;
  /** The attempts within the window, counted up to `max`. */
  readonly attempts: number;
  /** When limited, the time the oldest counted attempt leaves the window (a Retry-After); else null. */
  readonly retryAt: string | null;
}

/** Records one (failed) sign-in attempt against `key`, at `now` (default: the current time). */
export async function recordLoginAttempt(
  store: Store,
  key: string,
  now: TimeInput = Date.now(),
): Promise<void> {
  await store.db
    .insertInto('login_attempts')
    .values({ key, at: toIso(now) })
    .execute();
}

/**
 * Whether `key` has had `max` or more attempts within the last `windowMs`, and until when. Two
 * sign-ins racing may each slip one attempt past the limit; a limit is a brake, not a lock.
 */
export async function loginLimitState(
  store: Store,
  key: string,
  limit: LoginLimit,
): Promise<LoginLimitState> {
  if (!Number.isInteger(limit.max) || limit.max < 1 || !(limit.windowMs > 0)) {
    throw new StoreError('bad_input', 'limit: max must be a whole number from 1 and windowMs positive');
  }
  const now = Date.parse(toIso(limit.now ?? Date.now()));
  const rows = await store.db
    .selectFrom('login_attempts')
    .select('at')
    .where('key', '=', key)
    .where('at', '>', new Date(now - limit.windowMs).toISOString())
    .where('at', '<=', new Date(now).toISOString())
    .orderBy('at', 'desc')
    .limit(limit.max)
    .execute();
  const oldest = rows[limit.max - 1];
  if (!oldest) return { limited: false, attempts: rows.length, retryAt: null };
  const retryAt = new Date(Date.parse(readTime(oldest.at)) + limit.windowMs).toISOString();
  return { limited: true, attempts: rows.length, retryAt };
}

/** A limit whose wait grows with every failure past the free ones (see loginBackoffState). */
export interface LoginBackoff {
  /** Failures allowed before any wait. */
  readonly free: number;
  /** The wait after the first failure past `free`; it doubles with each one after. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** How far back failures count. */
  readonly windowMs: number;
  /** Defaults to the current time. */
  readonly now?: TimeInput;
}

/**
 * Whether `key` must wait before its next attempt: after `free` failures within the window, each
 * further failure doubles the wait from the latest one (base, 2×base, 4×base, … up to maxDelayMs).
 */
export async function loginBackoffState(
  store: Store,
  key: string,
  backoff: LoginBackoff,
): Promise<LoginLimitState> {
  const now = Date.parse(toIso(backoff.now ?? Date.now()));
  const rows = await store.db
    .selectFrom('login_attempts')
    .select('at')
    .where('key', '=', key)
    .where('at', '>', new Date(now - backoff.windowMs).toISOString())
    .where('at', '<=', new Date(now).toISOString())
    .orderBy('at', 'desc')
    .execute();
  const latest = rows[0];
  if (!latest || rows.length < backoff.free) return { limited: false, attempts: rows.length, retryAt: null };
  const doublings = Math.min(rows.length - backoff.free, 30);
  const wait = Math.min(backoff.baseDelayMs * 2 ** doublings, backoff.maxDelayMs);
  const retryAt = Date.parse(readTime(latest.at)) + wait;
  return retryAt > now
    ? { limited: true, attempts: rows.length, retryAt: new Date(retryAt).toISOString() }
    : { limited: false, attempts: rows.length, retryAt: null };
}

/** True when `key` has had `max` or more attempts within the last `windowMs` (see loginLimitState). */
export async function isLimited(store: Store, key: string, limit: LoginLimit): Promise<boolean> {
  return (await loginLimitState(store, key, limit)).limited;
}

/** Forgets `key`'s attempts: call it after a successful sign-in. */
export async function clearLoginAttempts(store: Store, key: string): Promise<void> {
  await store.db.deleteFrom('login_attempts').where('key', '=', key).execute();
}

/** Deletes every attempt older than `before`, for a periodic clean-up; returns how many went. */
export async function pruneLoginAttempts(store: Store, before: TimeInput): Promise<number> {
  const result = await store.db
    .deleteFrom('login_attempts')
    .where('at', '<', toIso(before))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
