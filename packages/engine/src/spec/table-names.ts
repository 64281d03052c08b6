/**
 * Checks of a new target table's name against the target database's rules and the project's naming
 * convention. Plain functions (no driver), so the wizard checks as the user types and the API
 * refuses the same names.
 */

import { connectorOf } from '../connectors/registry.ts';
import type { DialectName } from '../schema/model.ts';

/** The databases whose naming rules differ (each descriptor's `names`); MariaDB follows MySQL. */
export type NamingDialect = DialectName;

export type TableNameVerdict =
  /** A plain name in the project's style. */
  | { readonly verdict: 'ok' }
  /** Allowed, but odd enough to ask first: what is odd, and a name in the project's style. */
  | {
      readonly verdict: 'unusual';
      readonly reasons: readonly string[];
      readonly suggestion: string | undefined;
    }
  /** The database would refuse it or silently change it. */
  | { readonly verdict: 'invalid'; readonly message: string };

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SNAKE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
// Words a target table is most often named by mistake, that every database reserves.
const RESERVED = new Set([
  'select',
  'table',
  'order',
  'group',
  'user',
  'from',
  'where',
  'index',
  'key',
  'check',
  'default',
]);

/** `Track Name!` -> `track_name`: the name in snake_case, or undefined when nothing of it is left. */
export function snakeCase(name: string): string | undefined {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.length === 0) return undefined;
  const joined = words.join('_');
  return /^[0-9]/.test(joined) ? `t_${joined}` : joined;
}

/** True when most names of the target are snake_case (at least two, and no other style). */
function projectIsSnakeCase(others: readonly string[]): boolean {
  const plain = others.map(lastPart).filter((n) => n.length > 0);
  return plain.length >= 2 && plain.every((n) => SNAKE.test(n));
}

function lastPart(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(dot + 1);
}

/** Why the database would refuse one part of the name (or change it), if it would. */
function invalidPart(part: string, dialect: NamingDialect, what: string): string | undefined {
  if (part.length === 0) return `the ${what} name is empty`;
  if (/[\u0000-\u001f]/.test(part)) return `the ${what} name holds a control character`;
  const { label, names } = connectorOf(dialect);
  const size = names.unit === 'bytes' ? new TextEncoder().encode(part).length : [...part].length;
  if (size > names.maxLength) {
    return `the ${what} name is ${size} ${names.unit} long; ${label} allows at most ${names.maxLength}`;
  }
  return names.refuse(part, what);
}

/**
 * Checks the name of a target table the run would create. `others` are the target's other table
 * names (existing and mapped), which set the project's convention.
 */
export function checkNewTableName(
  name: string,
  dialect: NamingDialect,
  others: readonly string[] = [],
): TableNameVerdict {
  const trimmed = name.trim();
  const dot = trimmed.indexOf('.');
  const schema = dot < 0 ? undefined : trimmed.slice(0, dot);
  const table = dot < 0 ? trimmed : trimmed.slice(dot + 1);
  const invalid =
    (schema === undefined ? undefined : invalidPart(schema, dialect, 'schema')) ??
    invalidPart(table, dialect, 'table');
  if (invalid) return { verdict: 'invalid', message: invalid };

  const reasons: string[] = [];
  if (!PLAIN.test(table)) {
    const odd = [...new Set([...table].filter((ch) => !/[A-Za-z0-9_]/.test(ch)))];
    const shown = odd.map((ch) => (ch === ' ' ? 'a space' : `“${ch}”`));
    if (shown.length > 0) reasons.push(`it has ${shown.join(', ')}, so every query must quote it`);
    else if (/^[0-9]/.test(table)) reasons.push('it starts with a digit, so every query must quote it');
  }
  if (RESERVED.has(table.toLowerCase())) reasons.push(`“${table}” is a reserved word in SQL`);
  const { label, names } = connectorOf(dialect);
  if (names.foldsUnquoted && PLAIN.test(table) && table !== table.toLowerCase()) {
    reasons.push(`${label} keeps its capitals only when quoted, so every query must quote it`);
  }
  if (projectIsSnakeCase(others) && !SNAKE.test(table)) reasons.push('the other tables are in snake_case');
  if (reasons.length === 0) return { verdict: 'ok' };
  const snake = snakeCase(table);
  const suggestion =
    snake && snake !== table && !RESERVED.has(snake) ? (schema ? `${schema}.${snake}` : snake) : undefined;
  return { verdict: 'unusual', reasons, suggestion };
}
