import { ConnectionId, getServiceContext, testConnection } from '@databridge/queue';
import { handle, type IdRoute, ok, readId } from '../../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/** Opens the connection and runs `SELECT 1`: `{ ok, latencyMs, message }`, 200 even when it fails. */
export function POST(_request: Request, route: IdRoute): Promise<Response> {
  return handle(async () => {
    const id = await readId(route, ConnectionId);
    return ok(await testConnection(await getServiceContext(), id));
  });
}
