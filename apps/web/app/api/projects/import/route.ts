import { ImportProjectInput, importProjectSpec } from '@databridge/queue';
import { route } from '../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/**
 * Imports a spec document: `{ text, fileName?, name?, sourceConnectionId?, targetConnectionId?,
 * projectId? }`. Creates a project (201), or replaces `projectId`'s spec (200).
 */
export const POST = route('edit', async (call) => {
  const input = await call.body(ImportProjectInput);
  const project = await importProjectSpec(call.context, input);
  await call.audit(
    input.projectId ? 'project.import_replace' : 'project.import',
    { kind: 'project', id: project.id },
    {
      after: project,
    },
  );
  return { data: project, status: input.projectId ? 200 : 201 };
});
