import type { Value } from '../values.ts';
import { isNotANumberWord } from './convert-decimal.ts';
import { type ConvertContext, type Converter, typeLabel } from './convert-types.ts';
import { type DecimalParts, integerText, numberParts, parseDecimalText, sameNumber } from './numeric-text.ts';
import { show } from './row-value-error.ts';

const FLOAT32_MAX = 3.4028234663852886e38;
/** Significant decimal digits every float32 / float64 keeps through a round trip. */
const SAFE_DIGITS = { float32: 6, float64: 15 } as const;

/**
 * float32 and float64. A number with a fraction takes the float's nearest value, as a float column
 * means; a value whose digits the float cannot give back is rejected: `"9007199254740993"` into float64
 * (it would read back as ...992), `3.141592653589793` into float32 (3.1415927). truncate accepts the
 * nearest value. Out of range is rejected (clamp takes ±max), as is a non-zero value that would become
 * 0. NaN and ±Infinity: PostgreSQL stores both, SQLite only ±Infinity (it stores NaN as NULL), MySQL
 * neither; clamp turns ±Infinity into ±max where it is refused.
 */
export function floatConverter(ctx: ConvertContext): Converter {
  const single = ctx.target.type === 'float32';
  const slow = slowFloat(ctx, single);
  if (single) {
    return (value) => {
      if (typeof value === 'number' && Math.fround(value) === value && Number.isFinite(value)) return value;
      if (value === null) return null;
      return slow(value);
    };
  }
  return (value) => {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    if (value === null) return null;
    return slow(value);
  };
}

function slowFloat(ctx: ConvertContext, single: boolean): (value: Value) => Value {
  const { fail, onInvalid, limits, databaseLabel } = ctx;
  const type = single ? 'float32' : 'float64';
  const label = typeLabel(ctx.target, type);
  const nanAllowed = limits.nan === 'stored';
  const infinityAllowed = limits.infinity;
  const largest = single ? FLOAT32_MAX : Number.MAX_VALUE;

  const special = (n: number): Value => {
    if (Number.isNaN(n)) {
      if (nanAllowed) return n;
      return fail(
        limits.nan === 'becomes_null'
          ? `NaN cannot be stored in ${databaseLabel} (it would become NULL)`
          : `NaN cannot be stored in ${databaseLabel} ${label}`,
      );
    }
    if (infinityAllowed) return n;
    if (onInvalid === 'clamp') return n > 0 ? largest : -largest;
    return fail(`${n} cannot be stored in ${databaseLabel} ${label}`);
  };

  /** `n` is the nearest double of `parts`; `undefined` from a number, whose digits are its own. */
  const fit = (n: number, parts: DecimalParts | undefined, original: Value): Value => {
    const stored = single ? Math.fround(n) : n;
    if (!Number.isFinite(stored)) {
      if (onInvalid === 'clamp') return n > 0 ? largest : -largest;
      return fail(
        `${show(original)} is out of range for ${label} (at most ±${single ? '3.4028235e38' : largest})`,
      );
    }
    if (stored === 0 && (parts ? parts.digits !== '' : n !== 0)) {
      if (onInvalid === 'truncate') return 0;
      return fail(`${show(original)} is too small for ${label} (it would become 0)`);
    }
    let readBack: number;
    if (parts === undefined) {
      // A number is its own digits: a double always fits float64, and float32 when it reads back.
      if (!single) return n;
      readBack = shortestFloat32(stored);
      if (readBack === n) return n;
    } else {
      // Fewer significant digits than the float keeps always read back the same.
      if (parts.digits.length <= SAFE_DIGITS[type]) return n;
      readBack = single ? shortestFloat32(stored) : n;
      // Either its shortest text gives the digits back, or (large integers) its exact value does.
      if (sameNumber(numberParts(readBack), parts) || sameInteger(stored, parts)) return n;
    }
    if (onInvalid === 'truncate') return readBack;
    return fail(`${show(original)} has more digits than ${label} keeps (it would become ${readBack})`);
  };

  return (value) => {
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return special(value);
      return fit(value, undefined, value);
    }
    if (typeof value === 'string') {
      const parts = parseDecimalText(value);
      if (parts !== undefined) return fit(Number(value), parts, value);
      if (isNotANumberWord(value)) return special(wordValue(value));
      return fail(`${show(value)} is not a number`);
    }
    if (typeof value === 'bigint') {
      const text = String(value);
      return fit(Number(text), parseDecimalText(text), value);
    }
    if (typeof value === 'boolean') return value ? 1 : 0;
    return fail(`${show(value)} cannot be stored in ${label}: only numbers and text convert`);
  };
}

/** True when a float holds exactly the integer `parts` names (2^60 does, as a double and a float32). */
function sameInteger(float: number, parts: DecimalParts): boolean {
  const whole = Number.isInteger(float) ? integerText(parts) : undefined;
  return whole !== undefined && BigInt(float) === BigInt(whole);
}

/** `NaN`, `-Infinity`, `inf` as the number they name. */
function wordValue(word: string): number {
  if (/nan$/i.test(word)) return Number.NaN;
  return word.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

/** The shortest decimal that reads back as this float32, as a double: what a float4 column prints. */
function shortestFloat32(f: number): number {
  // Shorter texts padded with zeros are the same number: start at the 6 digits every float32 keeps.
  for (let digits = SAFE_DIGITS.float32; digits < 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return Number(f.toPrecision(9));
}
