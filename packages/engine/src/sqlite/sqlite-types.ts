import type { NormalisedType } from '../schema/model.ts';

/** What a declared SQLite column type means in the neutral model. */
export interface SqliteType {
  readonly type: NormalisedType;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  readonly unsigned?: boolean;
}

/**
 * Declared type names (parameters and UNSIGNED removed) with a known meaning. The names are those
 * SQLite users write, including the ones other databases' dumps bring along. `INT` is int32 and
 * `INTEGER` int64 so that what the dialect creates comes back as the same type.
 */
const BY_NAME: Readonly<Record<string, NormalisedType>> = {
  BOOLEAN: 'boolean',
  BOOL: 'boolean',
  TINYINT: 'int16',
  SMALLINT: 'int16',
  INT2: 'int16',
  MEDIUMINT: 'int32',
  INT: 'int32',
  INT4: 'int32',
  INTEGER: 'int64',
  BIGINT: 'int64',
  INT8: 'int64',
  'BIG INT': 'int64',
  NUMERIC: 'decimal',
  DECIMAL: 'decimal',
  DEC: 'decimal',
  NUMBER: 'decimal',
  MONEY: 'decimal',
  REAL: 'float64',
  DOUBLE: 'float64',
  'DOUBLE PRECISION': 'float64',
  FLOAT: 'float64',
  FLOAT8: 'float64',
  FLOAT4: 'float32',
  TEXT: 'text',
  CLOB: 'text',
  NTEXT: 'text',
  TINYTEXT: 'text',
  MEDIUMTEXT: 'text',
  LONGTEXT: 'text',
  DATE: 'date',
  TIME: 'time',
  'TIME WITHOUT TIME ZONE': 'time',
  DATETIME: 'timestamp',
  DATETIME2: 'timestamp',
  TIMESTAMP: 'timestamp',
  'TIMESTAMP WITHOUT TIME ZONE': 'timestamp',
  TIMESTAMPTZ: 'timestamptz',
  'TIMESTAMP WITH TIME ZONE': 'timestamptz',
  DATETIMEOFFSET: 'timestamptz',
  BLOB: 'binary',
  TINYBLOB: 'binary',
  MEDIUMBLOB: 'binary',
  LONGBLOB: 'binary',
  BINARY: 'binary',
  VARBINARY: 'binary',
  BYTEA: 'binary',
  JSON: 'json',
  JSONB: 'json',
  UUID: 'uuid',
  UNIQUEIDENTIFIER: 'uuid',
};

const WIDER: Partial<Record<NormalisedType, NormalisedType>> = { int16: 'int32', int32: 'int64' };

/** SQLite's own affinity rules (datatype3.html §3.1), for names the table above does not know. */
function byAffinity(name: string, length: number | undefined): NormalisedType {
  if (name.includes('INT')) return 'int64';
  if (name.includes('CHAR')) return length === undefined ? 'text' : 'string';
  if (name.includes('CLOB') || name.includes('TEXT')) return 'text';
  if (name.includes('BLOB')) return 'binary';
  if (name.includes('REAL') || name.includes('FLOA') || name.includes('DOUB')) return 'float64';
  // NUMERIC affinity is SQLite's catch-all (`GEOMETRY`, `ANY`, ...): claiming decimal would be a guess.
  return 'unknown';
}

/**
 * Normalises a declared column type as written (`NVARCHAR(40)`, `NUMERIC(10,2)`, `INT UNSIGNED`).
 * An empty declared type is `unknown`; a character type without a length is `text`.
 */
export function normaliseDeclaredType(declared: string): SqliteType {
  const upper = declared.trim().toUpperCase();
  const params = /\(\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?\)/.exec(upper);
  const first = params?.[1] === undefined ? undefined : Number(params[1]);
  const second = params?.[2] === undefined ? undefined : Number(params[2]);
  const words = upper
    .replace(/\(.*?\)/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const unsigned = words.includes('UNSIGNED');
  const name = words.filter((w) => w !== 'UNSIGNED' && w !== 'ZEROFILL').join(' ');

  let type = BY_NAME[name] ?? byAffinity(name, first);
  if (unsigned) type = WIDER[type] ?? type;

  switch (type) {
    case 'string':
      return { type, length: first! };
    case 'binary':
      return first === undefined ? { type } : { type, length: first };
    case 'decimal':
      return first === undefined ? { type } : { type, precision: first, scale: second ?? 0 };
    case 'int16':
    case 'int32':
    case 'int64':
      return unsigned ? { type, unsigned } : { type };
    default:
      return { type };
  }
}
