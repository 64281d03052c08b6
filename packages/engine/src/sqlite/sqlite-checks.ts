import type { CheckInfo } from '../schema/model.ts';

/**
 * The CHECK constraints of a table, read from its CREATE TABLE text: SQLite keeps them nowhere else
 * (no pragma lists them). A check without a name is named as PostgreSQL would name it:
 * `<table>_<column>_check` on a column, `<table>_check` on the table.
 */
export function sqliteChecks(table: string, createSql: string): CheckInfo[] {
  const open = createSql.indexOf('(');
  const close = createSql.lastIndexOf(')');
  if (open < 0 || close < open) return [];
  const checks: CheckInfo[] = [];
  const taken = new Set<string>();
  const named = (base: string) => {
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}${n}`;
    taken.add(name.toLowerCase());
    return name;
  };
  for (const definition of splitTopLevel(createSql.slice(open + 1, close))) {
    const words = wordsOf(withoutComments(definition));
    const first = words[0]?.toLowerCase();
    const isTableConstraint = ['constraint', 'check', 'primary', 'unique', 'foreign'].includes(first ?? '');
    const column = isTableConstraint ? undefined : unquote(words[0] ?? '');
    for (const found of checksIn(definition)) {
      const name = found.name ?? (column ? `${table}_${column}_check` : `${table}_check`);
      checks.push({ name: named(name), clause: found.clause, dialect: 'sqlite' });
    }
  }
  return checks;
}

/** Each `[CONSTRAINT name] CHECK (...)` in one column or table definition. */
function checksIn(definition: string): { name?: string; clause: string }[] {
  const found: { name?: string; clause: string }[] = [];
  const pattern =
    /(?:\bCONSTRAINT\s+("(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|[A-Za-z_][\w$]*)\s+)?\bCHECK\s*\(/giy;
  for (let i = 0; i < definition.length; ) {
    const skipped = skipQuoted(definition, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    pattern.lastIndex = i;
    const m = pattern.exec(definition);
    if (!m || (i > 0 && /[\w$]/.test(definition[i - 1]!))) {
      i++;
      continue;
    }
    const start = pattern.lastIndex - 1;
    const end = matchingParen(definition, start);
    if (end < 0) break;
    found.push({ ...(m[1] ? { name: unquote(m[1]) } : {}), clause: definition.slice(start, end + 1) });
    i = end + 1;
  }
  return found;
}

/** Splits at the commas outside parentheses, quotes and comments. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < body.length; ) {
    const skipped = skipQuoted(body, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const ch = body[i]!;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(body.slice(from, i));
      from = i + 1;
    }
    i++;
  }
  parts.push(body.slice(from));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; ) {
    const skipped = skipQuoted(text, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
    i++;
  }
  return -1;
}

/** The index after a quoted string, quoted name or comment starting at `i`; `i` itself otherwise. */
function skipQuoted(text: string, i: number): number {
  const ch = text[i];
  if (text.startsWith('--', i)) {
    const end = text.indexOf('\n', i);
    return end < 0 ? text.length : end + 1;
  }
  if (text.startsWith('/*', i)) {
    const end = text.indexOf('*/', i + 2);
    return end < 0 ? text.length : end + 2;
  }
  const closing = ch === "'" || ch === '"' || ch === '`' ? ch : ch === '[' ? ']' : undefined;
  if (!closing) return i;
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] !== closing) continue;
    if (closing !== ']' && text[j + 1] === closing) {
      j++;
      continue;
    }
    return j + 1;
  }
  return text.length;
}

function withoutComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const next = skipQuoted(text, i);
    const comment = text.startsWith('--', i) || text.startsWith('/*', i);
    if (next === i) out += text[i++];
    else {
      out += comment ? ' ' : text.slice(i, next);
      i = next;
    }
  }
  return out;
}

function wordsOf(definition: string): string[] {
  return definition.match(/"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|[^\s(]+/g) ?? [];
}

function unquote(name: string): string {
  const first = name[0];
  if (first === '"') return name.slice(1, -1).replaceAll('""', '"');
  if (first === '`') return name.slice(1, -1).replaceAll('``', '`');
  if (first === '[') return name.slice(1, -1);
  return name;
}
