import { PreviewQuery, ProjectId, previewProject } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/**
 * Plans the saved spec and previews up to `?rows=` (1-10, default 10) rows per mapping
 * (`?table=` limits it): the run's stages with their tables, the plan's warnings, and per mapping the
 * rows as read beside the rows the target would get, rejected rows with their reason. It reads the
 * source, so it needs the run permission.
 */
export const GET = route<{ id: string }>('run', async (call) => {
  const id = call.id(ProjectId);
  const params = new URL(call.request.url).searchParams;
  const query = PreviewQuery.parse({
    ...(params.has('rows') ? { rows: params.get('rows') } : {}),
    ...(params.has('table') ? { table: params.get('table') } : {}),
  });
  return { data: await previewProject(call.context, id, query) };
});
