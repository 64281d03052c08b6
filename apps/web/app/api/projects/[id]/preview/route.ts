import { getServiceContext, PreviewQuery, ProjectId, previewProject } from '@databridge/queue';
import { handle, type IdRoute, ok, readId } from '../../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/**
 * Plans the saved spec and previews up to `?rows=` (1-10, default 10) rows per mapping
 * (`?table=` limits it): the run's stages with their tables, the plan's warnings, and per mapping the
 * rows as read beside the rows the target would get, rejected rows with their reason.
 */
export function GET(request: Request, route: IdRoute): Promise<Response> {
  return handle(async () => {
    const id = await readId(route, ProjectId);
    const params = new URL(request.url).searchParams;
    const query = PreviewQuery.parse({
      ...(params.has('rows') ? { rows: params.get('rows') } : {}),
      ...(params.has('table') ? { table: params.get('table') } : {}),
    });
    return ok(await previewProject(await getServiceContext(), id, query));
  });
}
