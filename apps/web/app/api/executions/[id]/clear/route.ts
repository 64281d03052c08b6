import { ClearTaskInput, clearTask } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';
import { ExecutionId } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

/**
 * `{ task }` → runs that failed task again and what follows it, as a new attempt of the execution
 * (`{ executionId, status, rerun }`); completed tasks keep their rows. 409 for a completed task or
 * an execution that has not failed or been cancelled.
 */
export const POST = route<{ id: string }>('run', async (call) => {
  const id = call.id(ExecutionId);
  const input = await call.body(ClearTaskInput);
  const cleared = await clearTask(call.context, id, input);
  await call.audit(
    'execution.clear_task',
    { kind: 'execution', id },
    { task: input.task, rerun: cleared.rerun },
  );
  return { data: cleared };
});
