import { CreateProjectInput, createProjectRecord, listProjectSummaries } from '@databridge/queue';
import { route } from '../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** Every project with its connections and last execution. */
export const GET = route('read', async ({ context }) => ({ data: await listProjectSummaries(context) }));

/** Creates a project; without `spec`, it starts from the auto-mapped tables of its two databases. */
export const POST = route('edit', async (call) => {
  const project = await createProjectRecord(call.context, await call.body(CreateProjectInput));
  await call.audit('project.create', { kind: 'project', id: project.id }, { after: project });
  return { data: project, status: 201 };
});
