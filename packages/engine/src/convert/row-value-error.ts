import type { Value } from '../values.ts';

/**
 * A value the target column cannot take as it is. `reason` is one sentence a user acts on: it names
 * the value (shortened) and the limit, e.g. `99999 is out of range for int16 (-32768..32767)`. The
 * runner turns it into a rejected row; it never carries the row's other values.
 */
export class RowValueError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RowValueError';
  }
}

/** Characters of a string value shown in a reason before it is cut with `…`. */
const SHOWN_CHARACTERS = 24;
/** Bytes of a binary value shown in a reason, as hex. */
const SHOWN_BYTES = 16;

/**
 * A value as a reason names it: strings quoted and cut to about 24 characters (so that a reason stays
 * under ~60), control characters and lone surrogates escaped; bytes as hex.
 */
export function show(value: Value): string {
  if (typeof value === 'string') {
    let cut = value;
    if (value.length > SHOWN_CHARACTERS) {
      const chars = Array.from(value.slice(0, SHOWN_CHARACTERS * 2));
      if (chars.length > SHOWN_CHARACTERS || value.length > SHOWN_CHARACTERS * 2)
        cut = `${chars.slice(0, SHOWN_CHARACTERS).join('')}…`;
    }
    return `"${INVISIBLE.test(cut) ? escapeInvisible(cut) : cut}"`;
  }
  if (value instanceof Uint8Array) {
    const hex = Buffer.from(value.subarray(0, SHOWN_BYTES)).toString('hex');
    return `bytes 0x${hex}${value.length > SHOWN_BYTES ? '…' : ''} (${value.length} bytes)`;
  }
  return String(value);
}

/** Control characters and lone surrogates would vanish or turn into U+FFFD in a log. */
const INVISIBLE =
  /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const EVERY_INVISIBLE = new RegExp(INVISIBLE.source, 'g');

function escapeInvisible(text: string): string {
  return text.replace(EVERY_INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
