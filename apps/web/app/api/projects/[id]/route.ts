import {
  can,
  deleteProjectRecord,
  getProjectView,
  hideAlertSecrets,
  ProjectId,
  UpdateProjectInput,
  updateProjectRecord,
} from '@databridge/queue';
import { route } from '../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** The project with its spec; the alert webhook URL is masked for those who may not edit it. */
export const GET = route<{ id: string }>('read', async (call) => {
  const project = await getProjectView(call.context, call.id(ProjectId));
  return { data: can(call.actor!.role, 'edit') ? project : hideAlertSecrets(project) };
});

/** Changes any of name, description, connections, spec; the spec is validated (400 names the field). */
export const PATCH = route<{ id: string }>('edit', async (call) => {
  const id = call.id(ProjectId);
  const input = await call.body(UpdateProjectInput);
  const before = await getProjectView(call.context, id);
  const after = await updateProjectRecord(call.context, id, input);
  await call.audit('project.update', { kind: 'project', id }, { before, after });
  return { data: after };
});

/** Deletes the project and its history (409 while an execution is active). */
export const DELETE = route<{ id: string }>('edit', async (call) => {
  const id = call.id(ProjectId);
  const before = await getProjectView(call.context, id);
  const result = await deleteProjectRecord(call.context, id);
  await call.audit('project.delete', { kind: 'project', id }, { before });
  return { data: result };
});
