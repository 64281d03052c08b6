import { getServiceContext, ImportProjectInput, importProjectSpec } from '@databridge/queue';
import { handle, ok, readBody } from '../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/**
 * Imports a spec document: `{ text, fileName?, name?, sourceConnectionId?, targetConnectionId?,
 * projectId? }`. Creates a project (201), or replaces `projectId`'s spec (200).
 */
export function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const input = await readBody(request, ImportProjectInput);
    const project = await importProjectSpec(await getServiceContext(), input);
    return ok(project, input.projectId ? 200 : 201);
  });
}
