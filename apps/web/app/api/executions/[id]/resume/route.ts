import { resumeExecution } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';
import { ExecutionId } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

export const POST = route<{ id: string }>('run', async (call) => {
  const id = call.id(ExecutionId);
  const view = await resumeExecution(call.context, id);
  await call.audit('execution.resume', { kind: 'execution', id }, { status: view.status });
  return { data: view };
});
