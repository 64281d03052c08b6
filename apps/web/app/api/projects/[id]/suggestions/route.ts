import { getServiceContext, ProjectId, suggestMappingsForProject } from '@databridge/queue';
import { handle, type IdRoute, ok, readId } from '../../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/** Auto-mapping suggestions (table and column pairs with scores) between the project's databases. */
export function GET(_request: Request, route: IdRoute): Promise<Response> {
  return handle(async () => {
    const id = await readId(route, ProjectId);
    return ok(await suggestMappingsForProject(await getServiceContext(), id));
  });
}
