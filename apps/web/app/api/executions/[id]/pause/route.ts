import { pauseExecution } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';
import { ExecutionId } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

export const POST = route<{ id: string }>('run', async (call) => {
  const id = call.id(ExecutionId);
  const view = await pauseExecution(call.context, id);
  await call.audit('execution.pause', { kind: 'execution', id }, { status: view.status });
  return { data: view };
});
