import { listExecutionHistory } from '@databridge/queue';
import { route } from '../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** History, newest first: `?projectId=&limit=&cursor=`; `nextCursor` fetches the next page. */
export const GET = route('read', async (call) => ({
  data: await listExecutionHistory(call.context, call.query()),
}));
