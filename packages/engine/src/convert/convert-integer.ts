import type { Value } from '../values.ts';
import { type ConvertContext, type Converter, nativeBase } from './convert-types.ts';
import { integerText, isDigit, parseDecimalText } from './numeric-text.ts';
import { show } from './row-value-error.ts';

interface IntegerRange {
  readonly min: bigint;
  readonly max: bigint;
  /** The bounds that numbers are checked against without BigInt: exact, within the safe integers. */
  readonly minNumber: number;
  readonly maxNumber: number;
  /** int64: the canonical value is a string when it is not a safe integer. */
  readonly wide: boolean;
  readonly label: string;
}

const NORMALISED_BITS = { int16: 16, int32: 32, int64: 64 } as const;

/**
 * The exact range of the target: MySQL's native type decides it there (tinyint, mediumint and the
 * unsigned types are narrower than their normalised type); elsewhere the normalised width does.
 */
export function integerRange(ctx: Pick<ConvertContext, 'target' | 'limits'>): IntegerRange {
  const { target } = ctx;
  const base = nativeBase(target.nativeType);
  const unsigned = target.unsigned === true || /\bunsigned\b/i.test(target.nativeType);
  const native = ctx.limits.integerBits[base];
  const type = target.type as keyof typeof NORMALISED_BITS;
  const bits = native ?? NORMALISED_BITS[type] ?? 64;
  const min = unsigned ? 0n : -(1n << BigInt(bits - 1));
  const max = unsigned ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
  const name = native !== undefined ? base : target.type;
  return {
    min,
    max,
    minNumber: Math.max(Number(min), Number.MIN_SAFE_INTEGER),
    maxNumber: Math.min(Number(max), Number.MAX_SAFE_INTEGER),
    wide: type === 'int64',
    label: unsigned ? `${name} unsigned` : name,
  };
}

/**
 * int16, int32, int64 (and MySQL's tinyint, mediumint, unsigned). Whole numbers only: `4`, `4.0`,
 * `"42"`, `"4.00"`, `"1e3"`, `42n`, `true` (1) convert; `4.5` and `"4.5"` are rejected (truncate cuts
 * them toward zero), values out of range are rejected (clamp takes the bound).
 */
export function integerConverter(ctx: ConvertContext): Converter {
  const range = integerRange(ctx);
  const { minNumber, maxNumber } = range;
  const slow = slowInteger(ctx, range);
  return (value) => {
    if (typeof value === 'number' && value >= minNumber && value <= maxNumber && Number.isInteger(value))
      return value;
    if (value === null) return null;
    return slow(value);
  };
}

function slowInteger(ctx: ConvertContext, range: IntegerRange): (value: Value) => Value {
  const { fail, onInvalid } = ctx;
  const { min, max, label } = range;
  const bounds = `${label} (${min}..${max})`;

  const fit = (n: bigint, original: Value): Value => {
    if (n < min || n > max) {
      if (onInvalid !== 'clamp') return fail(`${show(original)} is out of range for ${bounds}`);
      n = n < min ? min : max;
    }
    if (!range.wide) return Number(n);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(n)
      : String(n);
  };
  const fraction = (shown: string): null =>
    fail(`${shown} has a fraction; ${label} keeps whole numbers only (it would be rounded)`);

  return (value) => {
    if (typeof value === 'number') {
      if (Number.isNaN(value)) return fail(`NaN cannot be stored in ${label}`);
      if (!Number.isFinite(value)) {
        if (onInvalid === 'clamp') return fit(value > 0 ? max : min, value);
        return fail(`${value} is out of range for ${bounds}`);
      }
      if (!Number.isInteger(value)) {
        if (onInvalid !== 'truncate') return fraction(show(value));
        return fit(BigInt(Math.trunc(value)), value);
      }
      return fit(BigInt(value), value);
    }
    if (typeof value === 'bigint') return fit(value, value);
    if (typeof value === 'boolean') return fit(value ? 1n : 0n, value);
    if (typeof value === 'string') {
      const small = smallIntegerText(value);
      if (small !== undefined) {
        if (small >= range.minNumber && small <= range.maxNumber) return small;
        return fit(BigInt(small), value);
      }
      const parts = parseDecimalText(value);
      if (parts === undefined) return fail(`${show(value)} is not a whole number`);
      // Beyond 20 digits every integer type overflows; no need to write out the digits.
      if (parts.point > 20) {
        if (onInvalid !== 'clamp') return fail(`${show(value)} is out of range for ${bounds}`);
        return fit(parts.negative ? min : max, value);
      }
      let whole = integerText(parts);
      if (whole === undefined) {
        if (onInvalid !== 'truncate') return fraction(show(value));
        const keep = Math.max(parts.point, 0);
        whole = `${parts.negative ? '-' : ''}${parts.digits.slice(0, keep) || '0'}`;
      }
      return fit(BigInt(whole), value);
    }
    return fail(`${show(value)} cannot be stored in ${label}: only numbers and text convert`);
  };
}

/** `42`, `-7` of at most 15 digits as a number, without BigInt or allocation; undefined otherwise. */
function smallIntegerText(text: string): number | undefined {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  if (n === i || n - i > 15) return undefined;
  let result = 0;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return undefined;
    result = result * 10 + (c - 48);
  }
  return text.charCodeAt(0) === 45 ? -result : result;
}
