import { ServiceError } from '@databridge/queue';

// A NUL (PostgreSQL text cannot hold it) or a UTF-16 surrogate without its pair (no UTF-8 encoding
// exists for it: drivers and encodeURIComponent throw).
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses text no database can store, with `bad_input` naming where it is, before it reaches a
 * driver that would fail with a 500: path segments, query parameters and every string (and key) of a
 * JSON body.
 */
export function checkStorableText(value: unknown, where: string): void {
  if (typeof value === 'string') {
    const found = UNSTORABLE.exec(value);
    if (found) {
      const what = found[0] === '\u0000' ? 'a NUL character (\\u0000)' : 'a lone UTF-16 surrogate';
      throw new ServiceError('bad_input', `${where}: contains ${what}; send plain Unicode text without it`);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkStorableText(item, `${where}[${i}]`);
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      checkStorableText(key, where === 'body' ? 'a field name' : `${where}: a field name`);
      checkStorableText(inner, where === 'body' ? key : `${where}.${key}`);
    }
  }
}
