import { ServiceError } from '@databridge/queue';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The cross-site request checks every state-changing API call goes through (route() and server
 * actions), before credentials are even read:
 * - a body must be JSON: a content type other than `application/json` is 415, which also stops the
 *   `text/plain` and form posts another site can make without asking;
 * - unless authenticated by an API key (a non-browser client: no browser adds that header on its
 *   own), a request a browser marks as coming from another site (`Sec-Fetch-Site`), or whose
 *   `Origin` is not this server's, is 403. A request with neither header (curl, a server) passes.
 * `allowedOrigins` adds origins beyond the request's own (DATABRIDGE_BASE_URL behind a proxy).
 */
export function checkCrossSite(
  request: { method: string; url: string; headers: Headers },
  allowedOrigins: readonly string[] = [],
): void {
  if (!STATE_CHANGING.has(request.method.toUpperCase())) return;
  const contentType = request.headers.get('content-type');
  if (contentType !== null && mediaType(contentType) !== 'application/json') {
    throw new ServiceError(
      'unsupported_media_type',
      `content-type: "${mediaType(contentType) || contentType}" is not accepted; send the body as JSON with "content-type: application/json"`,
    );
  }
  checkSameSite(request, allowedOrigins);
}

/**
 * The origin half of checkCrossSite, for server actions too (Next.js posts those as text/plain or
 * multipart, so their content type is its business): 403 for a browser request from another site
 * unless it carries an API key.
 */
export function checkSameSite(
  request: { url: string; headers: Headers },
  allowedOrigins: readonly string[] = [],
): void {
  if (/^Bearer\s+\S+$/i.test(request.headers.get('authorization') ?? '')) return;
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') {
    throw new ServiceError(
      'forbidden',
      `cross-site request refused: the browser says it came from a ${site} page; use DataBridge's own pages, or send an API key as "Authorization: Bearer <key>"`,
    );
  }
  const origin = request.headers.get('origin');
  if (origin !== null && !isOwnOrigin(origin, request, allowedOrigins)) {
    throw new ServiceError(
      'forbidden',
      `cross-site request refused: origin ${origin} is not this server's; use DataBridge's own pages, or send an API key as "Authorization: Bearer <key>"`,
    );
  }
}

/** A body that is there must be JSON (415 otherwise): for readBody, whatever the route. */
export function checkJsonBody(headers: Headers, text: string): void {
  if (text.trim() === '') return;
  const contentType = headers.get('content-type');
  if (mediaType(contentType ?? '') !== 'application/json') {
    throw new ServiceError(
      'unsupported_media_type',
      `content-type: a body must be JSON, sent with "content-type: application/json" (got ${contentType ? `"${contentType}"` : 'none'})`,
    );
  }
}

function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}

/**
 * Whether `origin` is this server: its host (with port) is the request's `Host` (or a proxy's
 * `X-Forwarded-Host`), or an allowed origin's. The scheme is not compared: a proxy that ends TLS
 * without saying so (`X-Forwarded-Proto`) would otherwise make every browser call look cross-site.
 */
function isOwnOrigin(
  origin: string,
  request: { url: string; headers: Headers },
  allowed: readonly string[],
): boolean {
  const host = hostOf(origin);
  if (host === undefined) return false; // `null` (a sandboxed frame, a file) or junk
  const own = new Set(
    [new URL(request.url).origin, ...allowed].map(hostOf).filter((h): h is string => h !== undefined),
  );
  for (const name of ['x-forwarded-host', 'host']) {
    const value = request.headers.get(name)?.split(',')[0]?.trim().toLowerCase();
    if (value) own.add(value);
  }
  return own.has(host);
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}
