import { exportProjectSpec, getServiceContext, ProjectId, SpecFormat } from '@databridge/queue';
import { z } from 'zod';
import { handle, type IdRoute, readId } from '../../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

const Query = z.object({ format: SpecFormat.default('yaml') });

/**
 * The project's spec as a file to download (`?format=yaml|json`, YAML by default): the document the
 * CLI runs, with passwords left to environment variables. Errors are the usual JSON.
 */
export function GET(request: Request, route: IdRoute): Promise<Response> {
  return handle(async () => {
    const id = await readId(route, ProjectId);
    const format = new URL(request.url).searchParams.get('format') ?? undefined;
    const query = Query.parse({ format });
    const file = await exportProjectSpec(await getServiceContext(), id, query.format);
    return new Response(file.text, {
      headers: {
        'content-type': `${file.contentType}; charset=utf-8`,
        'content-disposition': `attachment; filename="${file.fileName}"`,
        'cache-control': 'no-store',
      },
    });
  });
}
