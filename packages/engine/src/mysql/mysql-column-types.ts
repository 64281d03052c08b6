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

/**
 * The normalised type of a MySQL/MariaDB column. Unsigned integers widen so that every value fits:
 * tinyint unsigned stays int16, smallint unsigned becomes int32, int unsigned int64; bigint unsigned
 * stays int64 (its values above 2^63 travel as strings).
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
      return { type: 'int64', ...flag };
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
    case 'set':
      return { type: 'string', length };
    case 'binary':
    case 'varbinary':
      return { type: 'binary', length };
    case 'bit':
      return { type: 'binary', length: Math.ceil((row.precision ?? 1) / 8) };
  }
  const simple = SIMPLE[dataType];
  if (simple === undefined) return { type: 'unknown' };
  return simple.startsWith('int') || simple.startsWith('float')
    ? { type: simple, ...flag }
    : { type: simple };
}
