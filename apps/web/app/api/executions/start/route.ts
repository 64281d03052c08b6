import { getServiceContext, StartExecutionInput, startExecution } from '@databridge/queue';
import { handle, ok, readBody } from '../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/** `{ projectId }` → 201 `{ executionId, status }`; 409 while the project has an execution active. */
export function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const input = await readBody(request, StartExecutionInput);
    return ok(await startExecution(await getServiceContext(), input, 'api'), 201);
  });
}
