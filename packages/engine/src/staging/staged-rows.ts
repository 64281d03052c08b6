import type { Row, Value } from '../values.ts';

/**
 * A source row as one text value of the staging table, and back: the very values the source's reader
 * produced (bytes, bigints, NaN and ±Infinity included), so that a load from staging converts and
 * checks exactly what a direct load would have. Plain JSON would mangle bytes, bigints and NaN.
 */
export function encodeStagedRow(row: readonly Value[]): string {
  return JSON.stringify(row.map(tag));
}

export function decodeStagedRow(text: string): Row {
  return (JSON.parse(text) as unknown[]).map(untag);
}

function tag(v: Value): unknown {
  if (v instanceof Uint8Array) return { b: Buffer.from(v).toString('base64') };
  if (typeof v === 'bigint') return { n: v.toString() };
  if (typeof v === 'number' && !Number.isFinite(v)) return { f: String(v) };
  return v;
}

function untag(v: unknown): Value {
  if (v === null || typeof v !== 'object') return v as Value;
  if ('b' in v) return Buffer.from((v as { b: string }).b, 'base64');
  if ('n' in v) return BigInt((v as { n: string }).n);
  return Number((v as { f: string }).f);
}
