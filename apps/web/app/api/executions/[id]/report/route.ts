import { readFile } from 'node:fs/promises';
import { getExecutionReport, getServiceContext } from '@databridge/queue';
import { ExecutionId } from '../../../../../lib/execution-route.ts';
import { handle, type IdRoute, readId } from '../../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/** The execution's self-contained HTML report (`?format=json` for report.json). */
export function GET(request: Request, route: IdRoute): Promise<Response> {
  return handle(async () => {
    const id = await readId(route, ExecutionId);
    const report = await getExecutionReport(await getServiceContext(), id);
    const json = new URL(request.url).searchParams.get('format') === 'json';
    const body = await readFile(json ? report.json : report.html);
    return new Response(body, {
      headers: {
        'content-type': json ? 'application/json' : 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      },
    });
  });
}
