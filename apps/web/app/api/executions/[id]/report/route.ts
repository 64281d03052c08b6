import { readFile } from 'node:fs/promises';
import { getExecutionReport } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';
import { ExecutionId } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

/** The execution's self-contained HTML report (`?format=json` for report.json). */
export const GET = route<{ id: string }>('read', async (call) => {
  const report = await getExecutionReport(call.context, call.id(ExecutionId));
  const json = call.query().format === 'json';
  const body = await readFile(json ? report.json : report.html);
  return new Response(body, {
    headers: {
      'content-type': json ? 'application/json' : 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    },
  });
});
