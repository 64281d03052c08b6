import type { NormalisedType } from '../schema/model.ts';
import type { Value } from '../values.ts';
import { type ConvertContext, type Converter, nativeBase, typeLabel } from './convert-types.ts';
import { show } from './row-value-error.ts';
import { decodeUtf8, isWellFormed } from './unicode-text.ts';

/** Source types whose text is a value, not JSON: it becomes a JSON string. */
const QUOTED: ReadonlySet<NormalisedType> = new Set(['date', 'time', 'timestamp', 'timestamptz', 'uuid']);

/**
 * json: text that parses as JSON is kept exactly as written (not reformatted); anything else is
 * rejected. Numbers, bigints and booleans become their JSON text (NaN and
 * ±Infinity have none), bytes are read as UTF-8 first. Values of a date, time, timestamp or uuid
 * source column become JSON strings (`"2024-01-31"`). PostgreSQL's jsonb refuses `\u0000`.
 */
export function jsonConverter(ctx: ConvertContext): Converter {
  const { fail, limits, databaseLabel, target } = ctx;
  const label = typeLabel(target, 'json');
  const jsonb = !limits.nulCharacter && nativeBase(target.nativeType) === 'jsonb';
  const quote = ctx.source !== undefined && QUOTED.has(ctx.source.type);

  const check = (text: string): Value => {
    try {
      JSON.parse(text);
    } catch {
      // The parser's own message quotes the whole text, which may be large or confidential.
      return fail(`${show(text)} is not valid JSON`);
    }
    if (!isWellFormed(text)) return fail(`${show(text)} is not valid Unicode (it holds a lone surrogate)`);
    if (jsonb && text.indexOf('\\u0000') !== -1)
      return fail(`${show(text)} contains \\u0000, which ${databaseLabel} jsonb cannot store`);
    return text;
  };

  return (value) => {
    if (typeof value === 'string') return quote ? JSON.stringify(value) : check(value);
    if (value === null) return null;
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return String(value);
      return fail(`${value} cannot be stored in ${label} (JSON has no ${value})`);
    }
    if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
    const text = decodeUtf8(value, fail);
    return text === null ? null : check(text);
  };
}
