import { ProjectId, projectSyncState, ResetSyncStateInput, resetProjectSyncState } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** The saved cursor of each incremental mapping of the project: `[{ mappingKey, value, runId, savedAt }]`. */
export const GET = route<{ id: string }>('read', async (call) => {
  const id = call.id(ProjectId);
  return { data: await projectSyncState(call.context, id) };
});

/**
 * Reset state (editors): `{ mappingKey? }` forgets that mapping's cursor, or every one when omitted,
 * so the next run is a full load. `{ forgotten: [...] }`; 404 for an unknown project.
 */
export const POST = route<{ id: string }>('edit', async (call) => {
  const id = call.id(ProjectId);
  const input = await call.body(ResetSyncStateInput);
  const result = await resetProjectSyncState(call.context, id, input);
  await call.audit('project.reset_state', { kind: 'project', id }, { forgotten: result.forgotten });
  return { data: result };
});
