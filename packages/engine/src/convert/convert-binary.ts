import type { Value } from '../values.ts';
import { uuidText } from './convert-misc.ts';
import { type ConvertContext, type Converter, nativeBase, typeLabel } from './convert-types.ts';
import { show } from './row-value-error.ts';
import { isWellFormed } from './unicode-text.ts';

/**
 * binary: bytes stay as they are (the same Uint8Array). Text becomes its UTF-8 bytes; a `\x…` hex
 * string is not decoded, since a text column may hold exactly those characters (PostgreSQL's bytea
 * arrives as bytes already). A value of a uuid source column becomes its 16 bytes when the target
 * holds exactly 16 (MySQL's binary(16) idiom). A bounded binary(n) counts bytes: too long is rejected
 * (truncate cuts), and MySQL's blob types have their byte limits. Numbers and booleans are rejected.
 */
export function binaryConverter(ctx: ConvertContext): Converter {
  const { target, fail, onInvalid } = ctx;
  const base = nativeBase(target.nativeType);
  const maxBytes = target.length ?? ctx.limits.blobBytes[base];
  const label = typeLabel(target, target.length === undefined ? 'binary' : `binary(${target.length})`);
  const uuidBytes = ctx.source?.type === 'uuid' && target.length === 16;

  const fit = (bytes: Uint8Array, original: Value): Value => {
    if (maxBytes === undefined || bytes.length <= maxBytes) return bytes;
    if (onInvalid === 'truncate') return bytes.subarray(0, maxBytes);
    return fail(`${show(original)} is ${bytes.length} bytes, longer than ${label}`);
  };

  return (value) => {
    if (value instanceof Uint8Array) {
      return maxBytes === undefined || value.length <= maxBytes ? value : fit(value, value);
    }
    if (value === null) return null;
    if (typeof value === 'string') {
      if (uuidBytes) {
        const uuid = uuidText(value);
        if (uuid === undefined) return fail(`${show(value)} is not a UUID`);
        return Buffer.from(uuid.replaceAll('-', ''), 'hex');
      }
      if (!isWellFormed(value))
        return fail(`${show(value)} is not valid Unicode (it holds a lone surrogate)`);
      return fit(Buffer.from(value, 'utf8'), value);
    }
    return fail(`${show(value)} cannot be stored in ${label}: only bytes and text convert`);
  };
}
