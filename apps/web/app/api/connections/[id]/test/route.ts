import { ConnectionId, testConnection } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** Opens the connection and runs `SELECT 1`: `{ ok, latencyMs, message }`, 200 even when it fails. */
export const POST = route<{ id: string }>('edit', async (call) => ({
  data: await testConnection(call.context, call.id(ConnectionId)),
}));
