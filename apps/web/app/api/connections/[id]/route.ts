import {
  ConnectionId,
  deleteConnectionRecord,
  getConnectionView,
  getServiceContext,
  UpdateConnectionInput,
  updateConnectionRecord,
} from '@databridge/queue';
import { handle, type IdRoute, ok, readBody, readId } from '../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

export function GET(_request: Request, route: IdRoute): Promise<Response> {
  return handle(async () => {
    const id = await readId(route, ConnectionId);
    return ok(await getConnectionView(await getServiceContext(), id));
  });
}

/** Renames or repoints a connection; location parts left out (the password included) are kept. */
export function PATCH(request: Request, route: IdRoute): Promise<Response> {
  return handle(async () => {
    const id = await readId(route, ConnectionId);
    const input = await readBody(request, UpdateConnectionInput);
    return ok(await updateConnectionRecord(await getServiceContext(), id, input));
  });
}

/** Deletes a connection no project uses (409 naming the projects otherwise). */
export function DELETE(_request: Request, route: IdRoute): Promise<Response> {
  return handle(async () => {
    const id = await readId(route, ConnectionId);
    return ok(await deleteConnectionRecord(await getServiceContext(), id));
  });
}
