import { ServiceError } from '@databridge/queue';

// A NUL (PostgreSQL text cannot hold it) or a UTF-16 surrogate without its pair (no UTF-8 encoding
// exists for it: drivers and encodeURIComponent throw).
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** No request body DataBridge takes nests deeper than this (a spec is about 8 levels). */
export const MAX_BODY_DEPTH = 64;

/**
 * Refuses text no database can store, with `bad_input` naming where it is, before it reaches a
 * driver that would fail with a 500: path segments, query parameters and every string (and key) of a
 * JSON body, which may nest at most MAX_BODY_DEPTH levels. Walks with its own stack: a hostile body
 * nested 100,000 deep must not overflow the server's.
 */
export function checkStorableText(value: unknown, where: string): void {
  const pending: { value: unknown; where: string; depth: number }[] = [{ value, where, depth: 0 }];
  while (pending.length > 0) {
    const item = pending.pop()!;
    if (typeof item.value === 'string') {
      checkString(item.value, item.where);
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= MAX_BODY_DEPTH) {
      throw new ServiceError('bad_input', `${item.where}: is nested deeper than ${MAX_BODY_DEPTH} levels`);
    }
    const depth = item.depth + 1;
    if (Array.isArray(item.value)) {
      for (const [i, inner] of item.value.entries())
        pending.push({ value: inner, where: `${item.where}[${i}]`, depth });
      continue;
    }
    for (const [key, inner] of Object.entries(item.value)) {
      checkString(key, item.where === 'body' ? 'a field name' : `${item.where}: a field name`);
      pending.push({ value: inner, where: item.where === 'body' ? key : `${item.where}.${key}`, depth });
    }
  }
}

function checkString(value: string, where: string): void {
  const found = UNSTORABLE.exec(value);
  if (!found) return;
  const what = found[0] === '\u0000' ? 'a NUL character (\\u0000)' : 'a lone UTF-16 surrogate';
  throw new ServiceError('bad_input', `${where}: contains ${what}; send plain Unicode text without it`);
}
