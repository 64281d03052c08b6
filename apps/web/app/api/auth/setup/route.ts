import { needsSetup, SetupInput, sessionCookieHeader, setUpFirstAdmin } from '@databridge/queue';
import { isHttps, route } from '../../../../lib/api.ts';
import { ok } from '../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/** Whether the one-time setup is still open (no admin exists yet). */
export const GET = route('public', async ({ context }) => ({ data: { needed: await needsSetup(context) } }));

/** `{ email, name, password }` creates the first admin and signs them in; 409 once an admin exists. */
export const POST = route('public', async (call) => {
  const { user, session } = await setUpFirstAdmin(call.context, await call.body(SetupInput), call.ip);
  const response = ok({ id: user.id, email: user.email, name: user.name, role: user.role }, 201);
  response.headers.append('set-cookie', sessionCookieHeader(session, { secure: isHttps(call.request) }));
  return response;
});
