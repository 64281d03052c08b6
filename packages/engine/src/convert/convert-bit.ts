import type { Value } from '../values.ts';
import { type ConvertContext, type Converter, typeLabel } from './convert-types.ts';
import { show } from './row-value-error.ts';

const BITS = /^[01]*$/;

/**
 * bit(n): a string of `0` and `1`. A value with fewer bits is the same number with leading zeros
 * (MySQL's reading of BIT, and the bytes MySQL sends are big-endian), so it is padded on the left; a
 * fixed bit(n) holds exactly n. More bits than n fit only when the extra ones are leading zeros; the
 * rest is rejected (truncate keeps the n lowest bits). Bytes become their bits, non-negative integers
 * their binary digits, booleans one bit. Other text and negative numbers are rejected.
 */
export function bitConverter(ctx: ConvertContext): Converter {
  const { target, fail, onInvalid } = ctx;
  const width = target.length;
  const varying = /varying|varbit/i.test(target.nativeType);
  const label = typeLabel(target, width === undefined ? 'bit varying' : `bit(${width})`);

  const fit = (bits: string, original: Value): Value => {
    if (width === undefined) return bits;
    if (bits.length > width) {
      const extra = bits.length - width;
      if (bits.lastIndexOf('1', extra - 1) >= 0 && onInvalid !== 'truncate')
        return fail(`${show(original)} has ${bits.length} bits, more than ${label} holds`);
      bits = bits.slice(extra);
    }
    return varying || bits.length === width ? bits : bits.padStart(width, '0');
  };

  return (value) => {
    if (value === null) return null;
    if (typeof value === 'string') {
      if (!BITS.test(value)) return fail(`${show(value)} is not a string of bits (only 0 and 1)`);
      return fit(value, value);
    }
    if (value instanceof Uint8Array) {
      let bits = '';
      for (const byte of value) bits += byte.toString(2).padStart(8, '0');
      return fit(bits, value);
    }
    if (typeof value === 'boolean') return fit(value ? '1' : '0', value);
    if (
      (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ||
      (typeof value === 'bigint' && value >= 0n)
    )
      return fit(value.toString(2), value);
    return fail(
      `${show(value)} cannot be stored in ${label}: only bits, bytes, booleans and non-negative integers convert`,
    );
  };
}
