import { sessionCookieHeader, signOutEverywhere } from '@databridge/queue';
import { isHttps, route } from '../../../../lib/api.ts';
import { ok } from '../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/**
 * "Sign out everywhere": ends every session of the signed-in user (or of the API key's owner), on
 * every browser, copied cookies included, and clears this browser's cookie. API keys are untouched:
 * revoke those on the admin page.
 */
export const DELETE = route('read', async (call) => {
  const ended = await signOutEverywhere(call.context, call.actor!, call.ip);
  const response = ok({ sessionsEnded: ended });
  response.headers.append('set-cookie', sessionCookieHeader(null, { secure: isHttps(call.request) }));
  return response;
});
