import type { CheckInfo, DialectName } from '../schema/model.ts';

/**
 * A CHECK condition carried from one database's SQL to another's, when it only uses what all three
 * read alike: column names, numbers, strings, comparisons, arithmetic, AND/OR/NOT, IS NULL, IN,
 * BETWEEN, LIKE and a few functions. Anything else (casts other than PostgreSQL's own redundant
 * ones, regular expressions, `||`, which is OR in MySQL) gives undefined: the caller names the check
 * as not created rather than guess.
 */
export function portableCheckClause(
  check: CheckInfo,
  target: DialectName,
  columns: readonly string[],
): string | undefined {
  if (check.dialect === target) return check.clause;
  const tokens = tokenize(withoutNoise(check.clause, check.dialect));
  if (!tokens) return undefined;
  const byName = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const out: string[] = [];
  for (const [i, token] of tokens.entries()) {
    const calls = tokens[i + 1]?.text === '(';
    switch (token.kind) {
      case 'number':
      case 'operator':
        out.push(token.text);
        break;
      case 'string':
        // Backslash escapes mean something only in MySQL's strings; keep to plain ones.
        if (token.text.includes('\\')) return undefined;
        out.push(token.text);
        break;
      case 'identifier': {
        const column = byName.get(token.text.toLowerCase());
        if (!column || calls) return undefined;
        out.push(quote(column, target));
        break;
      }
      case 'word': {
        const word = token.text.toLowerCase();
        if (KEYWORDS.has(word)) out.push(word.toUpperCase());
        else if (calls) {
          const fn = functionOn(word, check.dialect, target);
          if (!fn) return undefined;
          out.push(`${fn}\u0001`); // joined to its parenthesis below
        } else {
          const column = byName.get(word);
          if (!column) return undefined;
          out.push(quote(column, target));
        }
        break;
      }
    }
  }
  const text = out
    .join(' ')
    .replaceAll('\u0001 (', '(')
    .replaceAll('( ', '(')
    .replaceAll(' )', ')')
    .replaceAll(' ,', ',');
  return enclosed(tokens) ? text : `(${text})`;
}

/** Whether the first parenthesis closes at the last token: the condition is already in parentheses. */
function enclosed(tokens: readonly Token[]): boolean {
  let depth = 0;
  for (const [i, token] of tokens.entries()) {
    if (token.text === '(' && token.kind === 'operator') depth++;
    else if (token.text === ')' && token.kind === 'operator' && --depth === 0) return i === tokens.length - 1;
    else if (depth === 0) return false;
  }
  return false;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'in', 'between', 'like', 'true', 'false']);

/** Functions that mean the same on every target; `length` counts bytes in MySQL, characters elsewhere. */
const SAME_EVERYWHERE = new Set(['lower', 'upper', 'abs', 'coalesce', 'round']);

function functionOn(name: string, from: DialectName, to: DialectName): string | undefined {
  if (SAME_EVERYWHERE.has(name)) return name;
  const countsCharacters =
    name === 'char_length' || name === 'character_length' || (name === 'length' && from !== 'mysql');
  if (!countsCharacters) return undefined;
  return to === 'sqlite' ? 'length' : 'char_length';
}

/**
 * What a database adds when it prints a condition back: PostgreSQL's casts of literals and columns to
 * their own type (`(0)::numeric`, `(code)::text`), MySQL's character-set introducers (`_utf8mb4'a'`).
 */
function withoutNoise(clause: string, dialect: DialectName): string {
  if (dialect === 'postgres')
    return clause.replace(
      /::(?:integer|bigint|smallint|numeric|text|character varying|double precision|real|boolean)\b/g,
      '',
    );
  if (dialect === 'mysql') return clause.replace(/\b_[a-z0-9]+(?=')/gi, '');
  return clause;
}

interface Token {
  readonly kind: 'number' | 'string' | 'identifier' | 'word' | 'operator';
  readonly text: string;
}

const TOKEN =
  /\s+|('(?:[^']|'')*')|"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|\[([^\]]*)\]|(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_$]*)|(<=|>=|<>|!=|=|<|>|\+|-|\*|\/|%|\(|\)|,)/y;

/** The tokens of a condition, or undefined at the first character none of them covers. */
function tokenize(clause: string): Token[] | undefined {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < clause.length) {
    const m = TOKEN.exec(clause);
    if (!m) return undefined;
    if (m[1] !== undefined) tokens.push({ kind: 'string', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'identifier', text: m[2].replaceAll('""', '"') });
    else if (m[3] !== undefined) tokens.push({ kind: 'identifier', text: m[3].replaceAll('``', '`') });
    else if (m[4] !== undefined) tokens.push({ kind: 'identifier', text: m[4] });
    else if (m[5] !== undefined) tokens.push({ kind: 'number', text: m[5] });
    else if (m[6] !== undefined) tokens.push({ kind: 'word', text: m[6] });
    else if (m[7] !== undefined) tokens.push({ kind: 'operator', text: m[7] === '!=' ? '<>' : m[7] });
  }
  return tokens;
}

function quote(name: string, dialect: DialectName): string {
  return dialect === 'mysql' ? `\`${name.replaceAll('`', '``')}\`` : `"${name.replaceAll('"', '""')}"`;
}

const SPELLED: Record<DialectName, string> = { postgres: 'PostgreSQL', mysql: 'MySQL', sqlite: 'SQLite' };

/** The plan's words for a check that stays behind: which, why, and what to do. */
export function checkLeftBehind(check: CheckInfo, target: DialectName): { message: string; fix: string } {
  return {
    message: `check ${check.name} ${check.clause} is not created: it uses ${SPELLED[check.dialect]} SQL that ${SPELLED[target]} may read otherwise`,
    fix: `translate the condition and create it by hand after the run (ALTER TABLE ... ADD CONSTRAINT ${check.name} CHECK ...)`,
  };
}
