import type { Store } from '@databridge/store';
import { ServiceError } from '../services/service-error.ts';
import type { Actor } from './actor.ts';
import { authenticate, type Credentials } from './authenticate.ts';
import { can, type Permission } from './permissions.ts';

/**
 * The one check every route handler and server action goes through: 401 without valid credentials,
 * 403 when the role lacks the permission. Returns who is asking, for the audit log.
 */
export async function authorize(
  context: { store: Store; env: { sessionSecret: string } },
  credentials: Credentials,
  permission: Permission,
): Promise<Actor> {
  const actor = await authenticate(context, credentials);
  if (!actor)
    throw new ServiceError('unauthorized', 'sign in, or send an API key as "Authorization: Bearer <key>"');
  if (!can(actor.role, permission)) {
    throw new ServiceError(
      'forbidden',
      `the ${actor.role} role may not do this (it needs the ${permission} permission)`,
    );
  }
  return actor;
}
