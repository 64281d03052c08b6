import { authorizeCronRequest, getServiceContext, tick } from '@databridge/queue';
import { handle, ok } from '../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';
/** Seconds a tick may take on Vercel: alert retries can wait a few seconds each. */
export const maxDuration = 60;

/**
 * One scheduler tick, for Vercel Cron (see vercel.json) or any outside timer: starts the runs that
 * are due and sends the alerts that are due, and answers what it did. Needs
 * `Authorization: Bearer <CRON_SECRET>`: 401 without it or with a wrong one, 503 while CRON_SECRET
 * is unset. Safe beside `databridge scheduler` processes and when called twice at once.
 */
export async function GET(request: Request): Promise<Response> {
  const response = await handle(async () => {
    const ctx = await getServiceContext();
    authorizeCronRequest(request.headers.get('authorization'), ctx.env.cronSecret);
    return ok(await tick(ctx, new Date()));
  });
  if (response.status === 401) response.headers.set('www-authenticate', 'Bearer realm="databridge-cron"');
  return response;
}
