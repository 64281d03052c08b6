import { getServiceContext, type ServiceContext } from '@databridge/queue';
import { z } from 'zod';
import { handle, type IdRoute, ok, readId } from './respond.ts';

export const ExecutionId = z.string().trim().min(1, 'is required').max(100, 'is too long');

/** A route under `/api/executions/[id]/…` that answers `{ success: true, data }` from one service call. */
export function executionRoute<T>(
  work: (context: ServiceContext, id: string, request: Request) => Promise<T>,
): (request: Request, route: IdRoute) => Promise<Response> {
  return (request, route) =>
    handle(async () => {
      const id = await readId(route, ExecutionId);
      return ok(await work(await getServiceContext(), id, request));
    });
}

/** The query string as a plain object, for a zod schema to check. */
export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}
