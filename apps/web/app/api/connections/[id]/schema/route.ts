import { ConnectionId, introspectConnection } from '@databridge/queue';
import { z } from 'zod';
import { route } from '../../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

const Query = z.object({
  schema: z.array(z.string().trim().min(1, 'must not be empty').max(255)).max(100).optional(),
});

/** Schemas, tables with row estimates, columns with types, keys. `?schema=a&schema=b` limits it. */
export const GET = route<{ id: string }>('read', async (call) => {
  const id = call.id(ConnectionId);
  const schemas = new URL(call.request.url).searchParams.getAll('schema');
  const query = Query.parse({ schema: schemas.length > 0 ? schemas : undefined });
  return {
    data: await introspectConnection(call.context, id, query.schema ? { schemas: query.schema } : {}),
  };
});
