import { newId } from './ids.ts';
import type { Store } from './open-store.ts';
import { type TimeInput, toIso } from './values.ts';

/**
 * Server-side sessions. The sealed cookie (session-token.ts) proves who signed in; the row here says
 * whether that sign-in still holds, so a session can end on the server: sign-out, "sign out
 * everywhere", a password or role change and disabling the account, even when the cookie was copied.
 */
export interface NewSession {
  readonly userId: string;
  readonly expiresAt: TimeInput;
}

/** Records a sign-in and returns its id, for the cookie. */
export async function createSession(store: Store, input: NewSession): Promise<string> {
  const id = newId();
  await store.db
    .insertInto('sessions')
    .values({
      id,
      user_id: input.userId,
      created_at: new Date().toISOString(),
      expires_at: toIso(input.expiresAt),
      ended_at: null,
    })
    .execute();
  return id;
}

/** True while the session exists for that user, has not ended and has not expired. */
export async function isSessionLive(
  store: Store,
  id: string,
  userId: string,
  now: TimeInput = Date.now(),
): Promise<boolean> {
  const row = await store.db
    .selectFrom('sessions')
    .select('id')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', toIso(now))
    .executeTakeFirst();
  return row !== undefined;
}

/** Ends one session (sign-out); false when it had ended already or never existed. */
export async function endSession(store: Store, id: string): Promise<boolean> {
  const result = await store.db
    .updateTable('sessions')
    .set({ ended_at: new Date().toISOString() })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Ends every session of a user ("sign out everywhere", new password, new role, disabled); returns how many. */
export async function endUserSessions(store: Pick<Store, 'db'>, userId: string): Promise<number> {
  const result = await store.db
    .updateTable('sessions')
    .set({ ended_at: new Date().toISOString() })
    .where('user_id', '=', userId)
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Deletes sessions that expired or ended before `before`, for a periodic clean-up; returns how many. */
export async function pruneSessions(store: Store, before: TimeInput): Promise<number> {
  const cutoff = toIso(before);
  const result = await store.db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<', cutoff), eb('ended_at', '<', cutoff)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
