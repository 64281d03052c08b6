import { issueSentence, peopleError } from '@databridge/engine';
import {
  type Actor,
  audit,
  authorize,
  getServiceContext,
  type Permission,
  type ServiceContext,
  ServiceError,
  stampedClientAddress,
} from '@databridge/queue';
import type { AuditDetails } from '@databridge/store';
import type { z } from 'zod';
import { checkCrossSite } from './cross-site.ts';
import { checkStorableText } from './input-text.ts';
import { handle, ok, readBody } from './respond.ts';

/** What a route handler gets once the request is authenticated and authorised. */
export interface ApiCall<P> {
  readonly request: Request;
  readonly context: ServiceContext;
  /** Who is asking; null only on public routes. */
  readonly actor: Actor | null;
  /** The client's address as the server saw it, for the audit log and sign-in limits. */
  readonly ip: string;
  readonly params: P;
  /** The `[id]` segment checked with `schema` (400 names `id`). */
  id(schema: z.ZodType<string>): string;
  /** The JSON body, checked with `schema` (400 names the field). */
  body<S extends z.ZodType>(schema: S): Promise<z.output<S>>;
  /** The query string as a plain object, for a zod schema. */
  query(): Record<string, string>;
  /** Records the change in the audit log with who, when and from where. */
  audit(
    action: string,
    target: { kind: string; id: string | null } | null,
    details?: AuditDetails,
  ): Promise<void>;
}

/** `public` routes answer without credentials (health, sign-in, setup). */
export type Access = Permission | 'public';

/**
 * Declares a route handler: the permission it needs, then the work. Every API route goes through
 * here, so the cross-site checks (cross-site.ts), authentication (session cookie or API key) and the
 * role check happen in one place before any input is read: 403 for a cross-site browser call, 415
 * for a body that is not JSON, 401 without credentials, 403 for a role without the permission; ids
 * and query strings with text no database can store are 400 (input-text.ts). The work returns a
 * Response, or data that becomes `{ success: true, data }` (`status` 200, or as given).
 */
export function route<P extends Record<string, string> = Record<string, string>>(
  access: Access,
  work: (call: ApiCall<P>) => Promise<Response | { readonly data: unknown; readonly status?: number }>,
  // `segment` is Next.js's second argument: `{ params: Promise<…> }` under a dynamic segment.
): (request: Request, segment?: { params: Promise<P> }) => Promise<Response> {
  return (request, segment) =>
    handle(async () => {
      const context = await getServiceContext();
      checkCrossSite(request, [context.env.baseUrl].filter(Boolean));
      const credentials = {
        authorization: request.headers.get('authorization'),
        cookie: request.headers.get('cookie'),
      };
      const actor = access === 'public' ? null : await authorize(context, credentials, access);
      const ip = clientAddress(request);
      // Next.js passes `{ params }` to every route, resolving to undefined without a dynamic segment.
      const params = ((segment ? await segment.params : undefined) ?? {}) as P;
      for (const [name, value] of Object.entries(params)) checkStorableText(value, name);
      const url = new URL(request.url);
      for (const [name, value] of url.searchParams) checkStorableText(value, name);
      const call: ApiCall<P> = {
        request,
        context,
        actor,
        ip,
        params,
        id: (schema) => {
          const parsed = schema.safeParse(params.id, { error: peopleError });
          if (!parsed.success) {
            // The id is the URL's last segment: its issue has no path of its own.
            const issue = { ...parsed.error.issues[0]!, path: ['id'] };
            throw new ServiceError('bad_input', issueSentence(issue), { field: 'id' });
          }
          return parsed.data;
        },
        body: (schema) => readBody(request, schema),
        query: () => Object.fromEntries(url.searchParams),
        audit: (action, target, details) =>
          audit(context, actor, action, target, { ip, details: details ?? null }),
      };
      const result = await work(call);
      return result instanceof Response ? result : ok(result.data, result.status);
    });
}

/**
 * The client's address as `databridge serve` decided it from the socket (X-Forwarded-For believed
 * only from DATABRIDGE_TRUSTED_PROXIES), else `unknown`: a header a client can write is never read.
 */
export function clientAddress(request: Request): string {
  return stampedClientAddress(request.headers);
}

/** Whether the browser reached us over HTTPS (directly or through a proxy): cookies are then Secure. */
export function isHttps(request: Request): boolean {
  return (
    (request.headers.get('x-forwarded-proto') ?? new URL(request.url).protocol.replace(':', '')) === 'https'
  );
}
