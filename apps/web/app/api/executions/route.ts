import { getServiceContext, listExecutionHistory } from '@databridge/queue';
import { handle, ok } from '../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/** History, newest first: `?projectId=&limit=&cursor=`; `nextCursor` fetches the next page. */
export function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    return ok(await listExecutionHistory(await getServiceContext(), query));
  });
}
