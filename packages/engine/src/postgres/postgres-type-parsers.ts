import pg, { type CustomTypesConfig } from 'pg';
import type { Value } from '../values.ts';

/** Type OIDs whose text PostgreSQL prints is turned into another JavaScript form (values.ts). */
const OID = { bool: 16, bytea: 17, int8: 20, int2: 21, int4: 23, oid: 26, float4: 700, float8: 701 } as const;

function parseInt8(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

function parseBytea(text: string): Buffer {
  // bytea_output is set to hex for every pooled connection (postgres-pool.ts).
  return Buffer.from(text.slice(2), 'hex');
}

const TEXT_PARSERS: Readonly<Record<number, (text: string) => Value>> = {
  [OID.bool]: (text) => text === 't',
  [OID.bytea]: parseBytea,
  [OID.int8]: parseInt8,
  [OID.int2]: Number,
  [OID.int4]: Number,
  [OID.oid]: Number,
  // Number() reads the NaN, Infinity and -Infinity PostgreSQL prints.
  [OID.float4]: Number,
  [OID.float8]: Number,
};

const asText = (text: string): string => text;

/**
 * Per-pool type parsers giving the canonical row values of values.ts: every type not listed above
 * (numeric, date, time, timestamp, timestamptz, json, jsonb, uuid, interval, arrays...) stays the
 * exact text PostgreSQL prints. The global `pg.types` registry is neither used nor changed.
 */
export const canonicalTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    format === 'binary'
      ? pg.types.getTypeParser(oid, 'binary')
      : (TEXT_PARSERS[oid] ?? asText)) as CustomTypesConfig['getTypeParser'],
};
