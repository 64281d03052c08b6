import { getExecutionStatus, readExecutionReport, renderExecutionReport } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';
import { ExecutionId } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

/**
 * The execution's self-contained HTML report (`?format=json` for report.json). Served here it is drawn
 * again from report.json with a link back to the run in the app, which the file on disk cannot know.
 */
export const GET = route<{ id: string }>('read', async (call) => {
  const id = call.id(ExecutionId);
  if (call.query().format === 'json') {
    return file(await readExecutionReport(call.context, id, 'json'), 'application/json');
  }
  const { projectId } = await getExecutionStatus(call.context, id);
  const appLink = `/projects/${encodeURIComponent(projectId)}/execute?execution=${encodeURIComponent(id)}`;
  const html = await renderExecutionReport(call.context, id, { appLink });
  return file(Buffer.from(html), 'text/html; charset=utf-8');
});

function file(body: Buffer, contentType: string): Response {
  return new Response(new Uint8Array(body), {
    headers: { 'content-type': contentType, 'cache-control': 'no-store' },
  });
}
