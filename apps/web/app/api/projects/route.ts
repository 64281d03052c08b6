import {
  CreateProjectInput,
  createProjectRecord,
  getServiceContext,
  listProjectSummaries,
} from '@databridge/queue';
import { handle, ok, readBody } from '../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/** Every project with its connections and last execution. */
export function GET(): Promise<Response> {
  return handle(async () => ok(await listProjectSummaries(await getServiceContext())));
}

/** Creates a project; without `spec`, it starts from the auto-mapped tables of its two databases. */
export function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const input = await readBody(request, CreateProjectInput);
    return ok(await createProjectRecord(await getServiceContext(), input), 201);
  });
}
