import { can, getExecutionLogs } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';
import { ExecutionId } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

/**
 * A page of the execution's log. Stack traces (server paths, code layout) go to those who can change
 * what runs, editors and admins; viewers and operators see the messages without them.
 */
export const GET = route<{ id: string }>('read', async (call) => {
  const page = await getExecutionLogs(call.context, call.id(ExecutionId), call.query());
  if (can(call.actor!.role, 'edit')) return { data: page };
  return { data: { ...page, entries: page.entries.map((entry) => ({ ...entry, stack: null })) } };
});
