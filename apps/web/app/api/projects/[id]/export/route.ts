import { can, exportProjectSpec, ProjectId, SpecFormat } from '@databridge/queue';
import { z } from 'zod';
import { route } from '../../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

const Query = z.object({ format: SpecFormat.default('yaml') });

/**
 * The project's spec as a file to download (`?format=yaml|json`, YAML by default): the document the
 * CLI runs, with passwords left to environment variables and, for those who may not edit it, the
 * alert webhook URL masked. Errors are the usual JSON.
 */
export const GET = route<{ id: string }>('read', async (call) => {
  const id = call.id(ProjectId);
  const query = Query.parse({ format: new URL(call.request.url).searchParams.get('format') ?? undefined });
  const file = await exportProjectSpec(call.context, id, query.format, {
    hideSecrets: !can(call.actor!.role, 'edit'),
  });
  return new Response(file.text, {
    headers: {
      'content-type': `${file.contentType}; charset=utf-8`,
      'content-disposition': `attachment; filename="${file.fileName}"`,
      'cache-control': 'no-store',
    },
  });
});
