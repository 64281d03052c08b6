import {
  CreateConnectionInput,
  createConnectionRecord,
  getServiceContext,
  listConnectionViews,
} from '@databridge/queue';
import { handle, ok, readBody } from '../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/** Every saved connection (masked URLs only). */
export function GET(): Promise<Response> {
  return handle(async () => ok(await listConnectionViews(await getServiceContext())));
}

/** Saves a connection: `{ name, url }` or `{ name, kind, host, port, user, password, database | file }`. */
export function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const input = await readBody(request, CreateConnectionInput);
    return ok(await createConnectionRecord(await getServiceContext(), input), 201);
  });
}
