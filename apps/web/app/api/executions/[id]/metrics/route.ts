import { getExecutionMetrics } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';
import { ExecutionId } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

export const GET = route<{ id: string }>('read', async (call) => ({
  data: await getExecutionMetrics(call.context, call.id(ExecutionId)),
}));
