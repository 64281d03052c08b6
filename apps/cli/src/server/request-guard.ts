import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Answers a request whose path is not valid percent-encoding (`/api/connections/%C0%AE`) with the
 * API's JSON 400, before Next.js, which would fail decoding the `[id]` segment with a page of its
 * own (a 500 on route handlers). Returns true when it answered.
 */
export function answerMalformedPath(request: IncomingMessage, response: ServerResponse): boolean {
  const path = (request.url ?? '/').split('?')[0]!;
  try {
    for (const segment of path.split('/')) decodeURIComponent(segment);
    return false;
  } catch {
    const body = {
      success: false,
      error: {
        code: 'bad_input',
        message:
          'path: is not valid percent-encoding (each % must start a UTF-8 byte sequence such as %C3%A9); encode the id with encodeURIComponent',
      },
    };
    response.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(body));
    return true;
  }
}
