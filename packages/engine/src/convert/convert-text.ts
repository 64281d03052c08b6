import type { Value } from '../values.ts';
import { type ConvertContext, type Converter, nativeBase, typeLabel } from './convert-types.ts';
import { show } from './row-value-error.ts';
import { codePointLength, cutToBytes, cutToCodePoints, decodeUtf8, isWellFormed } from './unicode-text.ts';

/**
 * string(n) and text. Strings stay as they are; numbers and bigints become their decimal text,
 * booleans `true`/`false`, bytes their UTF-8 text (invalid UTF-8 is rejected). Every value must be
 * valid Unicode (no lone surrogate) and, on PostgreSQL, free of NUL characters. Lengths are counted
 * in code points (`"😀"` is 1); too long is rejected (truncate cuts to the limit). On MySQL, tinytext,
 * text and mediumtext also have a limit in UTF-8 bytes, and an enum column takes only its labels.
 */
export function textConverter(ctx: ConvertContext): Converter {
  const { target, limits, databaseLabel, fail, onInvalid } = ctx;
  const maxCharacters = target.type === 'string' ? target.length : undefined;
  const label = typeLabel(target, maxCharacters === undefined ? 'text' : `varchar(${maxCharacters})`);
  const base = nativeBase(target.nativeType);
  const maxBytes = limits.textBytes[base];
  const labels = limits.enumLabels && base === 'enum' ? enumLabels(target.nativeType) : undefined;
  const rejectNul = !limits.nulCharacter;
  const truncate = onInvalid === 'truncate';

  const check = (text: string): Value => {
    if (rejectNul && text.indexOf('\u0000') !== -1)
      return fail(`${show(text)} contains the NUL character, which ${databaseLabel} cannot store`);
    if (!isWellFormed(text)) return fail(`${show(text)} is not valid Unicode (it holds a lone surrogate)`);
    // A string has at least as many UTF-16 units as code points: most values need no count.
    if (maxCharacters !== undefined && text.length > maxCharacters) {
      const characters = codePointLength(text);
      if (characters > maxCharacters) {
        if (!truncate) return fail(`${show(text)} is ${characters} characters, longer than ${label}`);
        text = cutToCodePoints(text, maxCharacters);
      }
    }
    // A UTF-16 unit takes at most 3 bytes in UTF-8 (a pair, 2 units, takes 4).
    if (maxBytes !== undefined && text.length * 3 > maxBytes) {
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > maxBytes) {
        if (!truncate)
          return fail(
            `${show(text)} is ${bytes} bytes in UTF-8, longer than ${databaseLabel} ${base} (${maxBytes} bytes)`,
          );
        text = cutToBytes(text, maxBytes);
      }
    }
    if (labels !== undefined && !labels.has(text))
      return fail(`${show(text)} is not one of the labels of ${label}`);
    return text;
  };

  return (value) => {
    if (typeof value === 'string') return check(value);
    if (value === null) return null;
    const text = textOf(value, ctx);
    return text === null ? null : check(text);
  };
}

/** A value that is not text written in its canonical text form (docs/spec.md, string operations). */
export function textOf(value: Exclude<Value, null>, ctx: ConvertContext): string | null {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return decodeUtf8(value, ctx.fail);
  return String(value);
}

/** The labels of a MySQL `enum('a','it''s')` column type, as MySQL quotes them. */
export function enumLabels(nativeType: string): ReadonlySet<string> | undefined {
  const open = nativeType.indexOf('(');
  if (open < 0) return undefined;
  const labels = new Set<string>();
  let i = open + 1;
  while (i < nativeType.length && nativeType[i] === "'") {
    let label = '';
    i++;
    while (i < nativeType.length) {
      if (nativeType[i] === "'") {
        if (nativeType[i + 1] !== "'") break;
        i++;
      }
      label += nativeType[i];
      i++;
    }
    labels.add(label);
    i++; // the closing quote
    if (nativeType[i] === ',') i++;
  }
  return labels.size > 0 ? labels : undefined;
}
