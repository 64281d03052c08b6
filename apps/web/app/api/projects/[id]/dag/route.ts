import { ProjectId, projectDag } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/**
 * The project's run as a DAG: `dagId` (`databridge__<slug>`), its tasks (one per stage and per load
 * task, with upstream ids and a description) and edges. Plans the saved spec against both databases'
 * schemas without reading a row: 400 for a spec the plan refuses, 503 when a database does not answer.
 */
export const GET = route<{ id: string }>('read', async (call) => ({
  data: await projectDag(call.context, call.id(ProjectId)),
}));
