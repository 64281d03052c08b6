import type { Value } from '../values.ts';

/** JSON for a keyset position that survives bytes and bigints (plain JSON would mangle both). */
export function encodeKey(key: readonly Value[] | undefined): string {
  if (key === undefined) return 'null';
  return JSON.stringify(
    key.map((v) =>
      v instanceof Uint8Array
        ? { bytes: Buffer.from(v).toString('base64') }
        : typeof v === 'bigint'
          ? { bigint: v.toString() }
          : v,
    ),
  );
}

export function decodeKey(text: string): Value[] | undefined {
  const parsed = JSON.parse(text) as unknown[] | null;
  if (parsed === null) return undefined;
  return parsed.map((v) => {
    if (v && typeof v === 'object' && 'bytes' in v)
      return Buffer.from((v as { bytes: string }).bytes, 'base64');
    if (v && typeof v === 'object' && 'bigint' in v) return BigInt((v as { bigint: string }).bigint);
    return v as Value;
  });
}
