import {
  ConnectionId,
  deleteConnectionRecord,
  getConnectionView,
  UpdateConnectionInput,
  updateConnectionRecord,
} from '@databridge/queue';
import { route } from '../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>('read', async (call) => ({
  data: await getConnectionView(call.context, call.id(ConnectionId)),
}));

/** Renames or repoints a connection; location parts left out (the password included) are kept. */
export const PATCH = route<{ id: string }>('edit', async (call) => {
  const id = call.id(ConnectionId);
  const input = await call.body(UpdateConnectionInput);
  const before = await getConnectionView(call.context, id);
  const after = await updateConnectionRecord(call.context, id, input);
  await call.audit('connection.update', { kind: 'connection', id }, { before, after });
  return { data: after };
});

/** Deletes a connection no project uses (409 naming the projects otherwise). */
export const DELETE = route<{ id: string }>('edit', async (call) => {
  const id = call.id(ConnectionId);
  const before = await getConnectionView(call.context, id);
  const result = await deleteConnectionRecord(call.context, id);
  await call.audit('connection.delete', { kind: 'connection', id }, { before });
  return { data: result };
});
