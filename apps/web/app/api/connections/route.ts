import { CreateConnectionInput, createConnectionRecord, listConnectionViews } from '@databridge/queue';
import { route } from '../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** Every saved connection (masked URLs only). */
export const GET = route('read', async ({ context }) => ({ data: await listConnectionViews(context) }));

/** Saves a connection: `{ name, url }` or `{ name, kind, host, port, user, password, database | file }`. */
export const POST = route('edit', async (call) => {
  const connection = await createConnectionRecord(call.context, await call.body(CreateConnectionInput));
  await call.audit('connection.create', { kind: 'connection', id: connection.id }, { after: connection });
  return { data: connection, status: 201 };
});
