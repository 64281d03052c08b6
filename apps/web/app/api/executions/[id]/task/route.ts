import { executionTaskDetail } from '@databridge/queue';
import { z } from 'zod';
import { route } from '../../../../../lib/api.ts';
import { ExecutionId } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

const Query = z.object({ task: z.string().trim().min(1, 'is required').max(100, 'is too long') }).strict();

/** A Grid cell: the task (`?task=m3.p2`) of the execution, its last attempt and duration, and its log lines. */
export const GET = route<{ id: string }>('read', async (call) => {
  const id = call.id(ExecutionId);
  const { task } = Query.parse(call.query());
  return { data: await executionTaskDetail(call.context, id, task) };
});
