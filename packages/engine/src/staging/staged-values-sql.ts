import type { NormalisedType } from '../schema/model.ts';

/**
 * SQL over the staged rows (staged-rows.ts): each `row` is the JSON text of the source values, bytes,
 * big integers and non-finite floats tagged as objects. These expressions read it in the staging
 * database for the cleanse stage.
 */

/**
 * A staged row as jsonb. jsonb cannot hold the character NUL (`\u0000`), which a MySQL or SQLite
 * text may carry: for reading (keys, checks) it is read as U+FFFD; the stored row is never changed
 * through this expression.
 */
export function stagedJsonSql(rowColumn: string): string {
  return `(CASE WHEN strpos(${rowColumn}, '\\u0000') > 0 THEN replace(${rowColumn}, '\\u0000', '\\ufffd') ELSE ${rowColumn} END)::jsonb`;
}

/** The staged value at `index` as text: a tagged big integer or float as its digits, NULL as NULL. */
export function stagedTextSql(json: string, index: number): string {
  return `coalesce(${json}->${index}->>'n', ${json}->${index}->>'f', ${json}->>${index})`;
}

/**
 * The staged value at `index` typed for comparisons in a check or an ordering: numbers as numeric or
 * double precision, booleans as boolean, bytes as bytea; everything else (dates and times included,
 * whose text sorts in time order) as text.
 */
export function stagedValueSql(json: string, index: number, type: NormalisedType): string {
  const text = stagedTextSql(json, index);
  switch (type) {
    case 'boolean':
      return `(${text})::boolean`;
    case 'int16':
    case 'int32':
    case 'int64':
    case 'decimal':
      return `(${text})::numeric`;
    case 'float32':
    case 'float64':
      return `(${text})::double precision`;
    case 'binary':
      return `decode(${json}->${index}->>'b', 'base64')`;
    default:
      return text;
  }
}

/** Whether the staged value at `index` is NULL (a JSON null). */
export function stagedNullSql(json: string, index: number): string {
  return `(${json}->${index}) = 'null'::jsonb`;
}

/** A string as an SQL literal (standard_conforming_strings is on in every supported PostgreSQL). */
export function sqlText(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
