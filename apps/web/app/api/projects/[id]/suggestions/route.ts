import { ProjectId, suggestMappingsForProject } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** Auto-mapping suggestions (table and column pairs with scores) between the project's databases. */
export const GET = route<{ id: string }>('read', async (call) => ({
  data: await suggestMappingsForProject(call.context, call.id(ProjectId)),
}));
