import { GridQuery, ProjectId, projectGrid } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/**
 * The Grid: the project's last `?limit=` executions (1-50, default 10, oldest first) with trigger and
 * logical date, by the run's tasks (stages, and load tasks named as in the DAG), each cell a state.
 */
export const GET = route<{ id: string }>('read', async (call) => {
  const id = call.id(ProjectId);
  const query = GridQuery.parse(call.query());
  return { data: await projectGrid(call.context, id, query) };
});
