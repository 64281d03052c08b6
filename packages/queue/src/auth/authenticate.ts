import { authenticateApiKey, getUser, isSessionLive, type Store, unsealSession } from '@databridge/store';
import type { Actor } from './actor.ts';
import { lesserRole } from './permissions.ts';
import { readSessionCookie } from './session-cookie.ts';

export interface Credentials {
  /** The Authorization header. */
  readonly authorization: string | null;
  /** The Cookie header. */
  readonly cookie: string | null;
}

/**
 * Who sent a request: an API key (`Authorization: Bearer dbk_…`) or a session cookie. The role is
 * read from the store on every request, so a demotion, a disabled account or a revoked key takes
 * effect at once, for the account's API keys too; a session ended on the server (sign-out, password
 * or role change) is refused even from a copied cookie. Returns null when there are no valid
 * credentials; a tampered or expired cookie is simply not a session.
 */
export async function authenticate(
  context: { store: Store; env: { sessionSecret: string } },
  credentials: Credentials,
): Promise<Actor | null> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(credentials.authorization ?? '')?.[1];
  if (bearer) {
    const key = await authenticateApiKey(context.store, bearer);
    if (!key) return null;
    // A key acts for the user who owns it: it stops working when that user is disabled and never
    // does more than that user may now do (an admin demoted to viewer keeps only read through keys).
    // A key with no owner (minted by a key before issue 13) answers to nobody, so it works for nobody.
    if (!key.createdBy) return null;
    const owner = await getUser(context.store, key.createdBy);
    if (!owner || owner.disabledAt) return null;
    return {
      kind: 'api_key',
      id: key.id,
      display: `${key.name} (${key.prefix})`,
      role: lesserRole(key.role, owner.role),
      name: key.name,
      ownerId: owner.id,
      sessionId: null,
    };
  }
  const sealed = readSessionCookie(credentials.cookie);
  if (!sealed) return null;
  const check = unsealSession(context.env.sessionSecret, sealed);
  if (!check.ok) return null;
  const { sessionId, userId } = check.session;
  // The cookie proves who signed in; the server's record says whether that sign-in still holds.
  if (!(await isSessionLive(context.store, sessionId, userId))) return null;
  const user = await getUser(context.store, userId);
  if (!user || user.disabledAt) return null;
  return {
    kind: 'user',
    id: user.id,
    display: user.email,
    role: user.role,
    name: user.name,
    ownerId: user.id,
    sessionId,
  };
}
