import type { AuditActor, UserRole } from '@databridge/store';

/** Who is asking: a signed-in user or an API key, with the role the request runs under. */
export interface Actor {
  readonly kind: 'user' | 'api_key';
  readonly id: string;
  /** The user's email, or the key's name and prefix. */
  readonly display: string;
  readonly role: UserRole;
  /** The user's name, for the header. */
  readonly name: string;
  /** The user the request acts for: the signed-in user, or the user who owns the API key. */
  readonly ownerId: string;
  /** The server-side session of a signed-in user (null for an API key), for signing out. */
  readonly sessionId: string | null;
}

export function auditActor(actor: Actor | null): AuditActor {
  return actor
    ? { kind: actor.kind, id: actor.id, display: actor.display }
    : { kind: 'system', id: null, display: 'system' };
}
