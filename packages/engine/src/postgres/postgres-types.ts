import type { ColumnInfo, NormalisedType } from '../schema/model.ts';

/** Normalised types by `pg_type.typname` of the column's type (of the base type, for a domain). */
const BY_TYPNAME: Readonly<Record<string, NormalisedType>> = {
  bool: 'boolean',
  int2: 'int16',
  int4: 'int32',
  int8: 'int64',
  numeric: 'decimal',
  float4: 'float32',
  float8: 'float64',
  varchar: 'string',
  bpchar: 'string',
  text: 'text',
  citext: 'text',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  bytea: 'binary',
  bit: 'bit',
  varbit: 'bit',
  json: 'json',
  jsonb: 'json',
  uuid: 'uuid',
};

/** The size fields of a column, decoded from `atttypmod` (-1 when the type has no modifier). */
type TypeSize = Pick<ColumnInfo, 'type' | 'length' | 'precision' | 'scale'>;

/** Normalised type, length, precision and scale of a column from its base type name and typmod. */
export function normaliseType(typname: string, typmod: number): TypeSize {
  const type = BY_TYPNAME[typname] ?? 'unknown';
  if (typmod < 0) return { type };
  if (type === 'string') return { type, length: typmod - 4 };
  if (type === 'bit') return { type, length: typmod }; // bit's modifier is its width, unlike varchar's
  if (type === 'decimal') {
    const packed = typmod - 4;
    // Since PostgreSQL 15 the scale is an 11-bit signed number and may be negative.
    const scale = ((packed & 0x7ff) ^ 0x400) - 0x400;
    return { type, precision: (packed >> 16) & 0xffff, scale };
  }
  return { type };
}
