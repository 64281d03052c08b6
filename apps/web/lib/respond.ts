import { peopleError } from '@databridge/engine';
import { ServiceError, toServiceError } from '@databridge/queue';
import type { z } from 'zod';
import { checkJsonBody } from './cross-site.ts';
import { checkStorableText } from './input-text.ts';

/** The JSON every API route answers with. */
export type ApiBody<T> =
  | { readonly success: true; readonly data: T }
  | {
      readonly success: false;
      /** `field`: the input's path at fault (`pipeline.batchSize`), for programs; `message` says it in words. */
      readonly error: { readonly code: string; readonly message: string; readonly field?: string };
    };

/** `{ success: true, data }` with `status` (200 by default). */
export function ok<T>(data: T, status = 200): Response {
  return Response.json({ success: true, data } satisfies ApiBody<T>, {
    status,
    headers: { 'cache-control': 'no-store' },
  });
}

/** `{ success: false, error: { code, message, field? } }` with the error's HTTP status. */
export function fail(error: unknown): Response {
  const failure = toServiceError(error);
  if (failure.code === 'internal') console.error('[api]', failure.cause ?? failure);
  return Response.json(
    {
      success: false,
      error: {
        code: failure.code,
        message: failure.message,
        ...(failure.field ? { field: failure.field } : {}),
      },
    } satisfies ApiBody<never>,
    { status: failure.status, headers: { 'cache-control': 'no-store' } },
  );
}

/** Runs a handler's work; whatever it throws becomes the JSON error with its status. */
export async function handle(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    return fail(error);
  }
}

/** The request's JSON body parsed with `schema`; a body that is not JSON is `bad_input` naming `body`. */
export async function readBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const text = await request.text();
  checkJsonBody(request.headers, text);
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new ServiceError('bad_input', 'body: is not valid JSON');
  }
  checkStorableText(body, 'body');
  // Every form's schema speaks through the one error map: label, what is allowed, the value given.
  return schema.parse(body, { error: peopleError });
}
