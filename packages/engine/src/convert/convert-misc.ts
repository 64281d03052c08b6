import type { Value } from '../values.ts';
import { type ConvertContext, type Converter, typeLabel } from './convert-types.ts';
import { show } from './row-value-error.ts';

/** Text a boolean column takes, compared case-insensitively. */
const BOOLEAN_WORDS: ReadonlyMap<string, boolean> = new Map([
  ['1', true],
  ['0', false],
  ['t', true],
  ['f', false],
  ['true', true],
  ['false', false],
  ['yes', true],
  ['no', false],
  ['on', true],
  ['off', false],
]);

/**
 * boolean: `true`/`false`; the numbers 0 and 1 (and 0n, 1n); the text `1`, `0`, `t`, `f`, `true`,
 * `false`, `yes`, `no`, `on`, `off` in any case. Anything else (2, `"y"`, `""`) is rejected.
 */
export function booleanConverter(ctx: ConvertContext): Converter {
  const { fail } = ctx;
  const reject = (value: Value): null =>
    fail(`${show(value)} is not a boolean (only true/false, 1/0, t/f, yes/no, on/off)`);
  return (value) => {
    if (typeof value === 'boolean' || value === null) return value;
    if (value === 1 || value === 1n) return true;
    if (value === 0 || value === 0n) return false;
    if (typeof value === 'string' && value.length <= 5) {
      const word = BOOLEAN_WORDS.get(value.toLowerCase());
      if (word !== undefined) return word;
    }
    return reject(value);
  };
}

/**
 * uuid: 36 characters with dashes, 32 hex digits without, or `{…}` braced, in any case; written in
 * lower case with dashes. 16 bytes convert as the UUID they are.
 */
export function uuidConverter(ctx: ConvertContext): Converter {
  const { fail } = ctx;
  const label = typeLabel(ctx.target, 'uuid');
  return (value) => {
    if (typeof value === 'string') {
      if (value.length === 36 && isLowerUuid(value)) return value;
      return uuidText(value) ?? fail(`${show(value)} is not a UUID`);
    }
    if (value === null) return null;
    if (value instanceof Uint8Array && value.length === 16)
      return formatUuid(Buffer.from(value).toString('hex'));
    return fail(`${show(value)} cannot be stored in ${label}: only text and 16 bytes convert`);
  };
}

/** `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in lower-case hex, checked without allocating. */
function isLowerUuid(text: string): boolean {
  for (let i = 0; i < 36; i++) {
    const c = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/** Any accepted spelling as the canonical one; undefined when it is not a UUID. */
export function uuidText(text: string): string | undefined {
  let body = text;
  if (body.length === 38 && body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1);
  if (body.length === 36) {
    if (body[8] !== '-' || body[13] !== '-' || body[18] !== '-' || body[23] !== '-') return undefined;
    body = body.replaceAll('-', '');
  }
  if (body.length !== 32 || !/^[0-9a-f]{32}$/i.test(body)) return undefined;
  return formatUuid(body.toLowerCase());
}

function formatUuid(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
