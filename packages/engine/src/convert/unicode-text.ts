import type { Fail } from './convert-types.ts';
import { show } from './row-value-error.ts';

/** Decodes strictly: invalid UTF-8 is an error, and a leading byte order mark is kept, not eaten. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Bytes as UTF-8 text, or a failure naming them. */
export function decodeUtf8(bytes: Uint8Array, fail: Fail): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return fail(`${show(bytes)} are not valid UTF-8`);
  }
}

type WellFormed = { isWellFormed(): boolean };

/** False when the string holds a lone surrogate, which no database's UTF-8 can store. */
export function isWellFormed(text: string): boolean {
  // Native since Node 20; the ES2022 library types do not declare it yet.
  return (text as unknown as WellFormed).isWellFormed();
}

/** Unicode code points, counted without allocating: a surrogate pair is one character. */
export function codePointLength(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

/** The first `max` code points, never splitting a surrogate pair. */
export function cutToCodePoints(text: string, max: number): string {
  let i = 0;
  for (let taken = 0; taken < max && i < text.length; taken++) {
    const c = text.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
  }
  return text.slice(0, i);
}

/** The longest prefix of whole characters that takes at most `maxBytes` bytes in UTF-8. */
export function cutToBytes(text: string, maxBytes: number): string {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length;
    const size = pair ? 4 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += pair ? 2 : 1;
  }
  return text.slice(0, i);
}
