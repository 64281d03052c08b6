import { connectorOf } from '../connectors/registry.ts';
import { DataBridgeError } from '../errors.ts';
import type { DialectName } from '../schema/model.ts';

/**
 * Checks that text from the spec that is spliced into a query (a column expression, a row filter)
 * is one SQL expression and nothing more: no statement separator, no comment that could hide the rest
 * of the query, balanced parentheses, and no clause keyword at the top level that would step outside
 * the expression (a `FROM` in a select item, a `UNION` after a filter). Strings and quoted names are
 * skipped, so `'a;b'` or `"from"` are fine. The database still parses it; this stops what is not an
 * expression before it gets there.
 */
export function checkSqlFragment(
  text: string,
  kind: 'expression' | 'filter',
  where: string,
  dialect: DialectName = 'postgres',
): void {
  const fail = (problem: string) => {
    throw new DataBridgeError(
      'bad_spec',
      `${where}: ${problem}; it must be a single SQL ${kind === 'expression' ? 'expression' : 'condition'}, never a statement`,
      { where },
    );
  };
  const forbidden = kind === 'expression' ? EXPRESSION_KEYWORDS : FILTER_KEYWORDS;
  let depth = 0;
  let i = 0;
  let previousWord = '';
  const { hashComment } = connectorOf(dialect).sql;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = closingQuote(text, i, ch);
      if (end < 0) fail(`the quote opened at character ${i + 1} is not closed`);
      i = end + 1;
      continue;
    }
    if (ch === ';') fail('it contains ";"');
    // `#` starts a comment only in MySQL; PostgreSQL uses it in operators (`#>>`).
    const hash = ch === '#' && hashComment;
    if ((ch === '-' && text[i + 1] === '-') || (ch === '/' && text[i + 1] === '*') || hash)
      fail('it contains a comment');
    if (ch === '(') depth += 1;
    if (ch === ')') {
      depth -= 1;
      if (depth < 0) fail(`the ")" at character ${i + 1} closes nothing`);
    }
    if (depth === 0 && kind === 'expression' && ch === ',')
      fail('it contains a "," outside parentheses (one expression per column)');
    if (/[A-Za-z_]/.test(ch) && (i === 0 || !/[A-Za-z0-9_$]/.test(text[i - 1]!))) {
      const word = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i))![0];
      const upper = word.toUpperCase();
      // `a IS DISTINCT FROM b` is an expression, not a FROM clause.
      const distinctFrom = upper === 'FROM' && previousWord === 'DISTINCT';
      if (depth === 0 && forbidden.has(upper) && !distinctFrom)
        fail(`it contains ${upper} outside parentheses`);
      if (STATEMENTS.has(upper) && depth === 0 && i === firstWord(text))
        fail(`it starts with the statement ${upper}`);
      previousWord = upper;
      i += word.length;
      continue;
    }
    i += 1;
  }
  if (depth > 0) fail('a "(" is not closed');
}

const EXPRESSION_KEYWORDS = new Set([
  'FROM',
  'WHERE',
  'UNION',
  'INTO',
  'GROUP',
  'ORDER',
  'LIMIT',
  'HAVING',
  'OFFSET',
  'FETCH',
  'WINDOW',
  'EXCEPT',
  'INTERSECT',
]);
// A filter is itself the inside of a WHERE: the same clauses may not follow it, WHERE aside.
const FILTER_KEYWORDS = new Set([...EXPRESSION_KEYWORDS].filter((k) => k !== 'WHERE'));
const STATEMENTS = new Set([
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'DROP',
  'CREATE',
  'ALTER',
  'TRUNCATE',
  'GRANT',
  'REVOKE',
  'COPY',
  'CALL',
  'EXEC',
  'EXECUTE',
  'MERGE',
  'WITH',
  'SET',
  'BEGIN',
  'COMMIT',
  'VACUUM',
  'PRAGMA',
  'ATTACH',
]);

function firstWord(text: string): number {
  return text.length - text.trimStart().length;
}

/** Index of the quote that closes the one at `start` (a doubled quote is an escaped one), or -1. */
function closingQuote(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\' && quote === "'") {
      i += 2;
      continue;
    }
    if (text[i] === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i;
    }
    i += 1;
  }
  return -1;
}
