import { listAuditEntries } from '@databridge/queue';
import { route } from '../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** The audit log, newest first: `?actorKind=&actorId=&action=&targetKind=&targetId=&from=&to=&limit=&cursor=`. */
export const GET = route('admin', async (call) => ({
  data: await listAuditEntries(call.context, call.query()),
}));
