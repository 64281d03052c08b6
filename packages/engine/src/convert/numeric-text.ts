/**
 * A decimal number as its significant digits and the position of the point: no leading or trailing
 * zeros, so `12.50` is `{ digits: '125', point: 2 }`, `0.05` is `{ digits: '5', point: -1 }`, `1200`
 * is `{ digits: '12', point: 4 }` and zero is `{ digits: '', point: 0 }`. `point` is also the
 * magnitude: a non-zero value is below 10^point and at least 10^(point-1).
 */
export interface DecimalParts {
  readonly negative: boolean;
  readonly digits: string;
  readonly point: number;
}

export const ZERO: DecimalParts = { negative: false, digits: '', point: 0 };

/** Exponents beyond this are kept at it: far past any database's range, yet safe to compare. */
const EXPONENT_CAP = 1_000_000_000;

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/**
 * Reads `-12.50`, `+7`, `.5`, `5.`, `1e3`, `1.5E-7`. Undefined for anything else: white space,
 * thousands separators, hex, `NaN`, `Infinity` and the empty string are not numbers here.
 */
export function parseDecimalText(text: string): DecimalParts | undefined {
  const n = text.length;
  let i = 0;
  const first = text.charCodeAt(0);
  const negative = first === 45;
  if (negative || first === 43) i = 1;
  const intStart = i;
  while (i < n && isDigit(text.charCodeAt(i))) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < n && text.charCodeAt(i) === 46) {
    fracStart = ++i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    fracEnd = i;
  }
  if (intEnd === intStart && fracEnd === fracStart) return undefined;
  let exponent = 0;
  if (i < n && (text.charCodeAt(i) | 32) === 101) {
    i++;
    const sign = text.charCodeAt(i);
    if (sign === 45 || sign === 43) i++;
    const expStart = i;
    while (i < n && isDigit(text.charCodeAt(i))) {
      exponent = Math.min(exponent * 10 + text.charCodeAt(i) - 48, EXPONENT_CAP);
      i++;
    }
    if (i === expStart) return undefined;
    if (sign === 45) exponent = -exponent;
  }
  if (i !== n) return undefined;
  const all = text.slice(intStart, intEnd) + text.slice(fracStart, fracEnd);
  let lead = 0;
  while (lead < all.length && all.charCodeAt(lead) === 48) lead++;
  if (lead === all.length) return { negative, digits: '', point: 0 };
  let trail = all.length;
  while (all.charCodeAt(trail - 1) === 48) trail--;
  return { negative, digits: all.slice(lead, trail), point: intEnd - intStart - lead + exponent };
}

/** The parts of a finite number, from its shortest round-trip text (`0.1`, not `0.1000000000000000055…`). */
export function numberParts(value: number): DecimalParts {
  return parseDecimalText(String(value)) ?? ZERO;
}

/** Plain notation, never an exponent: `1e21` -> `1000000000000000000000`, `-5e-7` -> `-0.0000005`. */
export function plainText(parts: DecimalParts): string {
  const { digits, point } = parts;
  if (digits === '') return '0';
  let body: string;
  if (point <= 0) body = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) body = digits + '0'.repeat(point - digits.length);
  else body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return parts.negative ? `-${body}` : body;
}

/** Digits after the point that are not zero-padding: `12.50` -> 1. */
export function fractionDigits(parts: DecimalParts): number {
  return Math.max(parts.digits.length - parts.point, 0);
}

/** Keeps the digits down to 10^-scale and drops the rest (toward zero): truncate, not round. */
export function cutDigits(parts: DecimalParts, scale: number): DecimalParts {
  const keep = parts.point + scale;
  if (keep >= parts.digits.length) return parts;
  let digits = keep <= 0 ? '' : parts.digits.slice(0, keep);
  let end = digits.length;
  while (end > 0 && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  return digits === '' ? ZERO : { negative: parts.negative, digits, point: parts.point };
}

/** The same number written as an integer, or undefined when it has a fraction. */
export function integerText(parts: DecimalParts): string | undefined {
  if (parts.digits.length > parts.point) return parts.digits === '' ? '0' : undefined;
  const body = parts.digits + '0'.repeat(parts.point - parts.digits.length);
  return parts.negative ? `-${body}` : body;
}

/** True when both name the same number (`-0` equals `0`). */
export function sameNumber(a: DecimalParts, b: DecimalParts): boolean {
  if (a.digits === '' && b.digits === '') return true;
  return a.negative === b.negative && a.digits === b.digits && a.point === b.point;
}
