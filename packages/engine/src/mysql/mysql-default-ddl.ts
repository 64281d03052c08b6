import type { ColumnInfo } from '../schema/model.ts';

/**
 * The `DEFAULT …` (and `ON UPDATE …`) clause of a created MySQL column, from the source's parsed
 * default; undefined for a default MySQL cannot take (an expression of another SQL, a zero date), ''
 * for none. `type` is the created type: a datetime(6) takes CURRENT_TIMESTAMP(6), and text, blob and
 * JSON columns take a default only as an expression in parentheses (MySQL 8.0.13+, MariaDB 10.2+).
 */
export function mysqlDefaultClause(column: ColumnInfo, type: string): string | undefined {
  const value = column.defaultParsed;
  const fsp = /\((\d)\)$/.exec(type)?.[1];
  const now = fsp ? `CURRENT_TIMESTAMP(${fsp})` : 'CURRENT_TIMESTAMP';
  const onUpdate =
    column.onUpdateCurrentTimestamp && /^(datetime|timestamp)/.test(type) ? ` ON UPDATE ${now}` : '';
  if (!value || column.autoIncrement) return onUpdate;
  const wrapped = /text|blob|json/i.test(type);
  switch (value.kind) {
    case 'null':
      return onUpdate;
    case 'current_timestamp':
      if (/^(datetime|timestamp)/.test(type)) return ` DEFAULT ${now}${onUpdate}`;
      if (type === 'date') return ` DEFAULT (CURRENT_DATE)${onUpdate}`;
      return undefined;
    case 'current_date':
      return type === 'date' ? ' DEFAULT (CURRENT_DATE)' : undefined;
    case 'current_time':
      return /^time/.test(type) ? ' DEFAULT (CURRENT_TIME)' : undefined;
    case 'expression':
      return value.dialect === 'mysql' ? ` DEFAULT (${value.sql})${onUpdate}` : undefined;
    case 'literal': {
      if (/^(date|datetime|timestamp)/.test(type) && /^0000|^\d{4}-00|^\d{4}-\d{2}-00/.test(value.text))
        return undefined;
      const text = column.type === 'boolean' ? booleanDigit(value.text) : value.text;
      if (text === undefined) return undefined;
      const quoted = `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
      return ` DEFAULT ${wrapped ? `(${quoted})` : quoted}${onUpdate}`;
    }
  }
}

function booleanDigit(text: string): string | undefined {
  if (/^(1|true|t)$/i.test(text)) return '1';
  if (/^(0|false|f)$/i.test(text)) return '0';
  return undefined;
}

/** A MySQL string literal for COMMENT '…'. */
export function mysqlComment(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}
