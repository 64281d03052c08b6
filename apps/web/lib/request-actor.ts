import {
  type Actor,
  authenticate,
  authorize,
  can,
  getServiceContext,
  needsSetup,
  type Permission,
  type ServiceContext,
  stampedClientAddress,
} from '@databridge/queue';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { checkSameSite } from './cross-site.ts';

async function credentials() {
  const [h, c] = await Promise.all([headers(), cookies()]);
  return { authorization: h.get('authorization'), cookie: c.toString() || h.get('cookie') };
}

/**
 * For server actions: the same checks as the API routes (403 for a call from another site, 401
 * without a session, 403 for a role without the permission), thrown as a ServiceError for the
 * action's wrapper to answer.
 */
export async function actionActor(
  permission: Permission,
): Promise<{ actor: Actor; context: ServiceContext; ip: string }> {
  const context = await getServiceContext();
  const h = await headers();
  checkSameSite({ url: `http://${h.get('host') ?? 'localhost'}/`, headers: h }, [context.env.baseUrl]);
  const actor = await authorize(context, await credentials(), permission);
  const ip = stampedClientAddress(h);
  return { actor, context, ip };
}

/**
 * For pages: who is signed in, or a redirect to the sign-in page (to the one-time setup page while no
 * admin exists). A role without the permission sees the forbidden page. The API routes the pages call
 * check again: this only spares a person a page they could not use.
 */
export async function pageActor(permission: Permission = 'read'): Promise<Actor> {
  const context = await getServiceContext();
  const actor = await authenticate(context, await credentials());
  if (!actor) redirect((await needsSetup(context)) ? '/setup' : '/login');
  if (!can(actor.role, permission)) redirect('/forbidden');
  return actor;
}
