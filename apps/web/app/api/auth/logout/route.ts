import { authenticate, sessionCookieHeader, signOut } from '@databridge/queue';
import { isHttps, route } from '../../../../lib/api.ts';
import { ok } from '../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/** Ends this session on the server (a copy of the cookie stops working too) and clears the cookie. */
export const POST = route('public', async (call) => {
  const actor = await authenticate(call.context, {
    authorization: null,
    cookie: call.request.headers.get('cookie'),
  });
  await signOut(call.context, actor, call.ip);
  const response = ok({ signedOut: true });
  response.headers.append('set-cookie', sessionCookieHeader(null, { secure: isHttps(call.request) }));
  return response;
});
