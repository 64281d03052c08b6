import type { ColumnDefault } from '../schema/model.ts';

/**
 * Reads what information_schema.COLUMNS says beside the type: the default (MariaDB quotes literals
 * and prints expressions as they are; MySQL 8 prints literals bare and flags expressions
 * `DEFAULT_GENERATED`), `ON UPDATE CURRENT_TIMESTAMP`, and the labels of an ENUM.
 */
export function parseMysqlDefault(raw: string, extra: string, mariadb: boolean): ColumnDefault {
  const text = raw.trim();
  if (/^current_timestamp(\(\d*\))?$|^now\(\d*\)$|^localtimestamp(\(\d*\))?$/i.test(text))
    return { kind: 'current_timestamp' };
  if (/^(curdate\(\)|current_date(\(\))?)$/i.test(text)) return { kind: 'current_date' };
  if (/^(curtime\(\d*\)|current_time(\(\d*\))?)$/i.test(text)) return { kind: 'current_time' };
  if (/^null$/i.test(text)) return { kind: 'null' };
  if (mariadb) {
    if (text.startsWith("'") && text.endsWith("'") && text.length >= 2)
      return { kind: 'literal', text: unquoteMariadb(text.slice(1, -1)) };
    if (/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i.test(text)) return { kind: 'literal', text };
    if (/^b'[01]*'$/i.test(text))
      return { kind: 'literal', text: String(Number.parseInt(text.slice(2, -1) || '0', 2)) };
    return { kind: 'expression', sql: text, dialect: 'mysql' };
  }
  if (/DEFAULT_GENERATED/i.test(extra)) return { kind: 'expression', sql: text, dialect: 'mysql' };
  return { kind: 'literal', text: raw };
}

/** MariaDB doubles quotes and backslash-escapes inside a quoted default. */
function unquoteMariadb(body: string): string {
  return body.replace(/''|\\(.)/g, (match, escaped: string | undefined) => {
    if (match === "''") return "'";
    switch (escaped) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case '0':
        return '\0';
      default:
        return escaped ?? match;
    }
  });
}

export function isOnUpdateCurrentTimestamp(extra: string): boolean {
  return /on update current_timestamp/i.test(extra);
}

/** The labels of `enum('a','b''c')` (or of a SET), unquoted, in declared order; undefined for other types. */
export function enumLabels(columnType: string): string[] | undefined {
  const match = /^(?:enum|set)\((.*)\)$/is.exec(columnType.trim());
  if (!match) return undefined;
  const labels: string[] = [];
  const pattern = /'((?:[^'\\]|''|\\.)*)'/g;
  for (const m of match[1]!.matchAll(pattern)) labels.push(unquoteMariadb(m[1]!));
  return labels;
}
