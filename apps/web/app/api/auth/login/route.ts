import { SignInInput, sessionCookieHeader, signIn } from '@databridge/queue';
import { isHttps, route } from '../../../../lib/api.ts';
import { ok } from '../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/**
 * `{ email, password }` → 200 with the user and a session cookie (http-only, same-site, 12 hours);
 * 401 with one message for any wrong email or password; 429 after too many failures for the account
 * or the address.
 */
export const POST = route('public', async (call) => {
  const { user, session } = await signIn(call.context, await call.body(SignInInput), call.ip);
  const response = ok({ id: user.id, email: user.email, name: user.name, role: user.role });
  response.headers.append('set-cookie', sessionCookieHeader(session, { secure: isHttps(call.request) }));
  return response;
});
