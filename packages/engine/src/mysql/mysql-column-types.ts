import type { ColumnInfo, NormalisedType } from '../schema/model.ts';

/** The information_schema.COLUMNS fields a column's type is read from. */
export interface ColumnTypeRow {
  /** DATA_TYPE, e.g. `int`, `varchar`. */
  readonly dataType: string;
  /** COLUMN_TYPE, e.g. `int(11) unsigned`, `decimal(10,2)`, `enum('a','b')`. */
  readonly columnType: string;
  readonly maxLength: number | null;
  readonly precision: number | null;
  readonly scale: number | null;
  /** MariaDB spells JSON `longtext` with a `json_valid()` CHECK; the introspector finds those. */
  readonly isJson: boolean;
}

type TypeFields = Pick<ColumnInfo, 'type' | 'length' | 'precision' | 'scale' | 'unsigned'>;

const SIMPLE: Readonly<Record<string, NormalisedType>> = {
  mediumint: 'int32',
  float: 'float32',
  double: 'float64',
  real: 'float64',
  tinytext: 'text',
  text: 'text',
  mediumtext: 'text',
  longtext: 'text',
  date: 'date',
  time: 'time',
  datetime: 'timestamp',
  timestamp: 'timestamptz',
  year: 'int16',
  tinyblob: 'binary',
  blob: 'binary',
  mediumblob: 'binary',
  longblob: 'binary',
  json: 'json',
  uuid: 'uuid', // MariaDB 10.7+
};

/** Spatial types: read as the server's bytes (4-byte SRID, then WKB), see mysql-values.ts. */
const SPATIAL = new Set([
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
  'geomcollection',
]);

/**
 * The normalised type of a MySQL/MariaDB column, chosen so that the column created on another database
 * holds every value the source type can: unsigned integers widen (tinyint unsigned stays int16,
 * smallint unsigned becomes int32, int unsigned int64, bigint unsigned decimal(20,0), since no
 * signed 64-bit integer holds 2^64-1); bit(1) is a boolean, bit(n) a string of bits; a SET is text (its value is the
 * comma-separated list MySQL prints); spatial types are their bytes (SRID + WKB) as MySQL stores them.
 */
export function normaliseColumnType(row: ColumnTypeRow): TypeFields {
  // Absent rather than undefined, so that models compare equal whatever their source.
  const fields = typeFields(row);
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as TypeFields;
}

function typeFields(row: ColumnTypeRow): TypeFields {
  const dataType = row.dataType.toLowerCase();
  const columnType = row.columnType.toLowerCase();
  const unsigned = /\bunsigned\b/.test(columnType);
  const flag = unsigned ? { unsigned: true } : {};
  const length = row.maxLength ?? undefined;
  if (row.isJson) return { type: 'json' };
  switch (dataType) {
    case 'tinyint':
      return /^tinyint\(1\)/.test(columnType) ? { type: 'boolean', ...flag } : { type: 'int16', ...flag };
    case 'bool':
    case 'boolean':
      return { type: 'boolean' };
    case 'smallint':
      return { type: unsigned ? 'int32' : 'int16', ...flag };
    case 'int':
    case 'integer':
      return { type: unsigned ? 'int64' : 'int32', ...flag };
    case 'bigint':
      return unsigned ? { type: 'decimal', precision: 20, scale: 0, ...flag } : { type: 'int64' };
    case 'decimal':
    case 'numeric':
      return {
        type: 'decimal',
        precision: row.precision ?? undefined,
        scale: row.scale ?? undefined,
        ...flag,
      };
    case 'char':
    case 'varchar':
    case 'enum':
      return { type: 'string', length };
    case 'set':
      return { type: 'text' };
    case 'binary':
    case 'varbinary':
      return { type: 'binary', length };
    case 'bit':
      return (row.precision ?? 1) === 1 ? { type: 'boolean' } : { type: 'bit', length: row.precision ?? 1 };
  }
  if (SPATIAL.has(dataType)) return { type: 'binary' };
  const simple = SIMPLE[dataType];
  if (simple === undefined) return { type: 'unknown' };
  return simple.startsWith('int') || simple.startsWith('float')
    ? { type: simple, ...flag }
    : { type: simple };
}
