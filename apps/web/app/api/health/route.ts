import { checkHealth, getServiceContext } from '@databridge/queue';
import { handle, ok } from '../../../lib/respond.ts';

export const dynamic = 'force-dynamic';

/** Readiness: the metadata store answers (503 when it does not, or when the server cannot start). */
export function GET(): Promise<Response> {
  return handle(async () => ok(await checkHealth(await getServiceContext())));
}
