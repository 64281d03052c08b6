import { ConnectionId, getServiceContext, introspectConnection } from '@databridge/queue';
import { z } from 'zod';
import { handle, type IdRoute, ok, readId } from '../../../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

const Query = z.object({
  schema: z.array(z.string().trim().min(1, 'must not be empty').max(255)).max(100).optional(),
});

/** Schemas, tables with row estimates, columns with types, keys. `?schema=a&schema=b` limits it. */
export function GET(request: Request, route: IdRoute): Promise<Response> {
  return handle(async () => {
    const id = await readId(route, ConnectionId);
    const params = new URL(request.url).searchParams.getAll('schema');
    const query = Query.parse({ schema: params.length > 0 ? params : undefined });
    return ok(
      await introspectConnection(
        await getServiceContext(),
        id,
        query.schema ? { schemas: query.schema } : {},
      ),
    );
  });
}
