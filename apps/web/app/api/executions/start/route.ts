import { StartExecutionInput, startExecution } from '@databridge/queue';
import { route } from '../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** `{ projectId }` → 201 `{ executionId, status }`; 409 while the project has an execution active. */
export const POST = route('run', async (call) => {
  const input = await call.body(StartExecutionInput);
  const started = await startExecution(call.context, input, 'api');
  await call.audit(
    'execution.start',
    { kind: 'execution', id: started.executionId },
    { projectId: input.projectId },
  );
  return { data: started, status: 201 };
});
