import { sessionCookieHeader } from '@databridge/queue';
import { isHttps, route } from '../../../../lib/api.ts';
import { ok } from '../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/** Clears the session cookie. */
export const POST = route('public', async (call) => {
  const response = ok({ signedOut: true });
  response.headers.append('set-cookie', sessionCookieHeader(null, { secure: isHttps(call.request) }));
  return response;
});
