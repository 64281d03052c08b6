import { readExecutionReport } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';
import { ExecutionId } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

/** The execution's self-contained HTML report (`?format=json` for report.json). */
export const GET = route<{ id: string }>('read', async (call) => {
  const json = call.query().format === 'json';
  const body = await readExecutionReport(call.context, call.id(ExecutionId), json ? 'json' : 'html');
  return new Response(new Uint8Array(body), {
    headers: {
      'content-type': json ? 'application/json' : 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    },
  });
});
