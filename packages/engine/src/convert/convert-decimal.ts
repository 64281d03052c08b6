import type { Value } from '../values.ts';
import { type ConvertContext, type Converter, nativeBase } from './convert-types.ts';
import {
  cutDigits,
  type DecimalParts,
  fractionDigits,
  isDigit,
  numberParts,
  parseDecimalText,
  plainText,
} from './numeric-text.ts';
import { show } from './row-value-error.ts';

/** PostgreSQL's limits for a numeric without precision: digits before and after the point. */
const UNBOUNDED_INTEGER_DIGITS = 131072;
const UNBOUNDED_FRACTION_DIGITS = 16383;

/**
 * decimal(p,s): at most p-s digits before the point and s after it; no precision means PostgreSQL's
 * own limits. Strings in plain notation that fit are kept exactly as they are (`"12.50"`); other
 * forms are rewritten in plain notation (`"1e3"` -> `"1000"`, `"+.5"` -> `"0.5"`), numbers from their
 * shortest round-trip text, booleans as `"1"`/`"0"`. More decimals than s are rejected (truncate cuts
 * them), too many integer digits are rejected (clamp takes ±(10^(p-s) - 10^-s)), NaN and ±Infinity are
 * always rejected. A negative scale (PostgreSQL 15) requires a multiple of 10^-s.
 */
export function decimalConverter(ctx: ConvertContext): Converter {
  const { target } = ctx;
  const precision = target.precision;
  const scale = target.scale ?? 0;
  const integerRoom = precision === undefined ? UNBOUNDED_INTEGER_DIGITS : precision - scale;
  const fractionRoom = precision === undefined ? UNBOUNDED_FRACTION_DIGITS : scale;
  const unsigned = target.unsigned === true || /\bunsigned\b/i.test(target.nativeType);
  const slow = slowDecimal(ctx, integerRoom, fractionRoom, unsigned);
  // Plain text is checked in place only where the rules are the simple ones.
  if (integerRoom < 1 || fractionRoom < 0) return (value) => (value === null ? null : slow(value));
  return (value) => {
    if (typeof value === 'string' && fitsPlain(value, integerRoom, fractionRoom, !unsigned)) return value;
    if (value === null) return null;
    if (typeof value === 'number' && Number.isFinite(value)) {
      const text = String(value);
      if (fitsPlain(text, integerRoom, fractionRoom, !unsigned)) return text;
    }
    return slow(value);
  };
}

function slowDecimal(
  ctx: ConvertContext,
  integerRoom: number,
  fractionRoom: number,
  unsigned: boolean,
): (value: Value) => Value {
  const { fail, onInvalid, target } = ctx;
  const label =
    (nativeBase(target.nativeType) === 'decimal' ? 'decimal' : 'numeric') +
    (target.precision === undefined ? '' : `(${target.precision},${target.scale ?? 0})`) +
    (unsigned ? ' unsigned' : '');
  let largestCache: string | undefined;
  const largest = (): string => {
    largestCache ??= largestText(integerRoom, fractionRoom);
    return largestCache;
  };

  const fit = (parts: DecimalParts, original: Value): Value => {
    if (parts.negative && parts.digits !== '' && unsigned) {
      if (onInvalid !== 'clamp') return fail(`${show(original)} is negative; ${label} keeps 0 and above`);
      return '0';
    }
    if (parts.digits.length > parts.point + fractionRoom) {
      if (onInvalid === 'truncate') parts = cutDigits(parts, fractionRoom);
      else if (fractionRoom >= 0) {
        const decimals = fractionDigits(parts);
        return fail(
          `${show(original)} has ${decimals} decimals, ${label} keeps ${fractionRoom} (it would be rounded)`,
        );
      } else
        return fail(
          `${show(original)} is not a multiple of 1${'0'.repeat(-fractionRoom)}, as ${label} requires`,
        );
    }
    if (parts.digits !== '' && parts.point > integerRoom) {
      if (onInvalid === 'clamp') return parts.negative ? `-${largest()}` : largest();
      const most = target.precision === undefined ? `${integerRoom} digits before the point` : largest();
      return fail(`${show(original)} is too large for ${label} (at most ${most})`);
    }
    return plainText(parts);
  };

  return (value) => {
    if (typeof value === 'string') {
      const parts = parseDecimalText(value);
      if (parts !== undefined) return fit(parts, value);
      if (isNotANumberWord(value)) return fail(`${show(value)} cannot be stored in ${label}`);
      return fail(`${show(value)} is not a number`);
    }
    if (typeof value === 'number') {
      if (Number.isNaN(value)) return fail(`NaN cannot be stored in ${label}`);
      if (!Number.isFinite(value)) {
        if (onInvalid === 'clamp') return value > 0 ? largest() : `-${largest()}`;
        return fail(`${value} cannot be stored in ${label}`);
      }
      return fit(numberParts(value), value);
    }
    if (typeof value === 'bigint') return fit(parseDecimalText(String(value))!, value);
    if (typeof value === 'boolean') return fit(parseDecimalText(value ? '1' : '0')!, value);
    return fail(`${show(value)} cannot be stored in ${label}: only numbers and text convert`);
  };
}

/**
 * True when `text` is in plain notation (`-12.50`, `0.5`, `7`; no `+`, no leading zeros, no exponent)
 * and fits: checked in place, with no allocation, since this runs for every decimal value.
 */
function fitsPlain(text: string, integerRoom: number, fractionRoom: number, allowNegative: boolean): boolean {
  const n = text.length;
  let i = 0;
  if (text.charCodeAt(0) === 45) {
    if (!allowNegative) return false;
    i = 1;
  }
  const start = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  const integerDigits = i - start;
  if (integerDigits === 0) return false;
  if (text.charCodeAt(start) === 48) {
    if (integerDigits > 1) return false;
  } else if (integerDigits > integerRoom) return false;
  if (i === n) return true;
  if (text.charCodeAt(i) !== 46) return false;
  const fractionStart = ++i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  return i === n && i > fractionStart && i - fractionStart <= fractionRoom;
}

/** `NaN`, `Infinity`, `-inf`: values PostgreSQL's numeric and floats know, never a decimal here. */
export function isNotANumberWord(text: string): boolean {
  if (text.length > 9) return false;
  const word = text.toLowerCase().replace(/^[+-]/, '');
  return word === 'nan' || word === 'inf' || word === 'infinity';
}

/** 10^(p-s) - 10^-s in plain notation: `999.99` for numeric(5,2), `99900` for numeric(3,-2). */
function largestText(integerRoom: number, fractionRoom: number): string {
  const nines = Math.max(integerRoom + fractionRoom, 0);
  if (nines === 0) return '0';
  return plainText({ negative: false, digits: '9'.repeat(Math.min(nines, 200_000)), point: integerRoom });
}
