import type { ColumnInfo } from '../schema/model.ts';

/**
 * The ` DEFAULT …` clause of a created SQLite column from the source's parsed default; undefined for
 * one SQLite cannot take (an expression of another SQL), '' for none. SQLite's CURRENT_TIMESTAMP is
 * UTC text, as its own defaults are.
 */
export function sqliteDefaultClause(column: ColumnInfo): string | undefined {
  const value = column.defaultParsed;
  if (!value || column.autoIncrement) return '';
  switch (value.kind) {
    case 'null':
      return '';
    case 'current_timestamp':
      return ' DEFAULT CURRENT_TIMESTAMP';
    case 'current_date':
      return ' DEFAULT CURRENT_DATE';
    case 'current_time':
      return ' DEFAULT CURRENT_TIME';
    case 'expression':
      return value.dialect === 'sqlite' ? ` DEFAULT (${value.sql})` : undefined;
    case 'literal':
      if (
        ['date', 'timestamp', 'timestamptz'].includes(column.type) &&
        /^0000|^\d{4}-00|^\d{4}-\d{2}-00/.test(value.text)
      )
        return undefined;
      return ` DEFAULT '${value.text.replaceAll("'", "''")}'`;
  }
}
