import { getExecutionLogs } from '@databridge/queue';
import { executionRoute, queryOf } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

/** `?level=warning` (that level and worse), `&order=oldest`, `&limit=`, `&cursor=` from the last page. */
export const GET = executionRoute((context, id, request) => getExecutionLogs(context, id, queryOf(request)));
