import { type RunSummary, renderHtmlReport } from '@databridge/engine';
import { getExecutionStatus, readExecutionReport } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';
import { ExecutionId } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

/**
 * The execution's self-contained HTML report (`?format=json` for report.json). Served here it is drawn
 * again from report.json with a link back to the run in the app, which the file on disk cannot know.
 */
export const GET = route<{ id: string }>('read', async (call) => {
  const id = call.id(ExecutionId);
  const json = await readExecutionReport(call.context, id, 'json');
  if (call.query().format === 'json') return file(json, 'application/json');
  const { projectId } = await getExecutionStatus(call.context, id);
  const summary = JSON.parse(json.toString('utf8')) as RunSummary;
  const appLink = `/projects/${encodeURIComponent(projectId)}/execute?execution=${encodeURIComponent(id)}`;
  return file(Buffer.from(renderHtmlReport(summary, { appLink })), 'text/html; charset=utf-8');
});

function file(body: Buffer, contentType: string): Response {
  return new Response(new Uint8Array(body), {
    headers: { 'content-type': contentType, 'cache-control': 'no-store' },
  });
}
