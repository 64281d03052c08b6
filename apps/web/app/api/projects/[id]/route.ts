import {
  deleteProjectRecord,
  getProjectView,
  getServiceContext,
  ProjectId,
  UpdateProjectInput,
  updateProjectRecord,
} from '@databridge/queue';
import { handle, type IdRoute, ok, readBody, readId } from '../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

export function GET(_request: Request, route: IdRoute): Promise<Response> {
  return handle(async () => {
    const id = await readId(route, ProjectId);
    return ok(await getProjectView(await getServiceContext(), id));
  });
}

/** Changes any of name, description, connections, spec; the spec is validated (400 names the field). */
export function PATCH(request: Request, route: IdRoute): Promise<Response> {
  return handle(async () => {
    const id = await readId(route, ProjectId);
    const input = await readBody(request, UpdateProjectInput);
    return ok(await updateProjectRecord(await getServiceContext(), id, input));
  });
}

/** Deletes the project and its history (409 while an execution is active). */
export function DELETE(_request: Request, route: IdRoute): Promise<Response> {
  return handle(async () => {
    const id = await readId(route, ProjectId);
    return ok(await deleteProjectRecord(await getServiceContext(), id));
  });
}
