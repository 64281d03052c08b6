import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type Database from 'better-sqlite3';
import type { SqliteFolder } from '../connectors/connection.ts';
import { DataBridgeError } from '../errors.ts';

/**
 * The real path (symlinks followed) of `path`. A part that does not exist yet cannot be a link: the
 * deepest existing folder is resolved and the rest appended (SQLite would create the file there).
 */
function realPathOf(path: string): string {
  const absolute = resolve(path);
  try {
    lstatSync(absolute);
  } catch {
    const parent = dirname(absolute);
    if (parent === absolute) return absolute;
    return join(realPathOf(parent), basename(absolute));
  }
  // realpath follows every link; a dangling one throws, which is a refusal (SQLite would create the
  // file where the link points).
  return realpathSync(absolute);
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

function realFolder(folder: string): string {
  try {
    return realpathSync(resolve(folder));
  } catch {
    return resolve(folder);
  }
}

/**
 * The file SQLite will open for `file`, checked to lie inside the allowed folder. `bad_url` naming the
 * folder and how to change it otherwise (`:memory:`, a path outside, a symlink leading out, a
 * dangling symlink).
 */
export function confineSqliteFile(file: string, allowed: SqliteFolder): string {
  const folder = realFolder(allowed.folder);
  const refuse = (why: string) =>
    new DataBridgeError(
      'bad_url',
      `the SQLite file ${file} ${why}: on this server SQLite files must be inside ${folder}` +
        (allowed.howToChange ? ` (${allowed.howToChange})` : ''),
    );
  if (file === ':memory:' || file === '') throw refuse('is not a file in the allowed folder');
  let real: string;
  try {
    real = realPathOf(file);
  } catch {
    throw refuse('cannot be resolved (a link to nowhere)');
  }
  if (!isInside(real, folder)) throw refuse(real === resolve(file) ? 'is outside it' : `leads to ${real}`);
  for (const except of allowed.except ?? []) {
    if (real === realFolder(except) || isInside(real, realFolder(except))) {
      throw refuse('is one of the server’s own files');
    }
  }
  return real;
}

/**
 * What SQLite compiled a statement to (`EXPLAIN`) tells what it would do without running it: ATTACH
 * and DETACH call the internal `sqlite_attach`/`sqlite_detach` functions, `VACUUM INTO` is a Vacuum
 * opcode with a file register, `load_extension()` a function call. SQLite's own parser decides, so
 * comments, quoting and casing cannot hide a statement.
 */
function refusedOperation(prepare: (sql: string) => Database.Statement, sql: string): string | undefined {
  let program: { opcode: string; p2: number; p4: unknown }[];
  try {
    program = prepare(`EXPLAIN ${sql}`).all() as typeof program;
  } catch {
    // Not explainable: let the statement's own preparation report its error; one that prepares
    // anyway (only an EXPLAIN itself, which runs nothing) is harmless.
    return undefined;
  }
  for (const step of program) {
    // P2 is the register holding the INTO file name; 0 for a plain VACUUM.
    if (step.opcode === 'Vacuum' && step.p2 !== 0) return 'VACUUM INTO';
    if (step.opcode === 'Function' || step.opcode === 'PureFunc') {
      const fn = String(step.p4 ?? '');
      if (fn.startsWith('sqlite_attach(')) return 'ATTACH';
      if (fn.startsWith('sqlite_detach(')) return 'DETACH';
      if (fn.startsWith('load_extension(')) return 'load_extension()';
    }
  }
  return undefined;
}

/**
 * Makes a handle refuse, before running, any statement that would attach or detach a database, write
 * a copy elsewhere (VACUUM INTO) or load an extension: every `prepare` (hooks, rules, expressions,
 * filters, the engine's own statements) is checked once; `exec` runs only what checks one statement
 * at a time. Also keeps SQLite's defensive settings: no trusted schema, no unsafe mode.
 */
export function guardStatements(db: Database.Database): void {
  db.unsafeMode(false);
  db.pragma('trusted_schema = OFF');
  const prepare = db.prepare.bind(db) as (sql: string, ...rest: unknown[]) => Database.Statement;
  const check = (sql: string) => {
    // Before EXPLAIN: preparing one of these PRAGMAs already applies it.
    const operation = refusedPragma(sql) ?? refusedOperation(prepare, sql);
    if (operation) {
      throw new DataBridgeError(
        'bad_spec',
        `${operation} is not allowed on a server connection: a statement may only read and write the connection's own database`,
      );
    }
  };
  const guarded = (sql: string, ...rest: unknown[]) => {
    check(sql);
    return prepare(sql, ...rest);
  };
  const exec = db.exec.bind(db);
  (db as { prepare: unknown }).prepare = guarded;
  (db as { exec: unknown }).exec = (sql: string) => {
    let statement: Database.Statement;
    try {
      statement = guarded(sql);
    } catch (error) {
      // A script of several statements cannot be explained as one: its words are checked instead.
      if (!(error instanceof RangeError)) throw error;
      const word = refusedWord(sql) ?? refusedPragma(sql);
      if (word) {
        throw new DataBridgeError('bad_spec', `${word} is not allowed on a server connection`);
      }
      return exec(sql);
    }
    if (statement.reader) statement.all();
    else statement.run();
    return db;
  };
}

const REFUSED_WORDS = new Set(['attach', 'detach', 'vacuum', 'load_extension']);

/**
 * PRAGMAs whose setting is SQLite's for the whole process (the folder of every handle's temporary
 * files, the metadata store's included; the memory limits) or the guard's own (trusted_schema, which
 * keeps triggers and views from calling unsafe functions). SQLite applies them when the statement is
 * prepared, so they are refused by name, before any EXPLAIN.
 */
const PROCESS_PRAGMAS = new Set([
  'temp_store_directory',
  'data_store_directory',
  'soft_heap_limit',
  'hard_heap_limit',
  'trusted_schema',
]);

/** `PRAGMA <name>` for a script that has the word PRAGMA and names one of PROCESS_PRAGMAS. */
export function refusedPragma(sql: string): string | undefined {
  let pragma = false;
  let name: string | undefined;
  for (const word of wordsOf(sql, true)) {
    const lower = word.toLowerCase();
    if (lower === 'pragma') pragma = true;
    else if (PROCESS_PRAGMAS.has(lower)) name ??= lower;
  }
  return pragma && name ? `PRAGMA ${name}` : undefined;
}

/**
 * The first refused keyword of a script, read as SQLite tokenizes it: words inside strings, quoted
 * identifiers and comments do not count.
 */
export function refusedWord(sql: string): string | undefined {
  for (const word of wordsOf(sql, false)) {
    if (REFUSED_WORDS.has(word.toLowerCase())) return word.toUpperCase();
  }
  return undefined;
}

/**
 * The words of a script as SQLite tokenizes it, strings and comments left out; quoted identifiers
 * (a PRAGMA's name may be quoted) only when `quotedNames`.
 */
function* wordsOf(sql: string, quotedNames: boolean): Generator<string> {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const closing = c === "'" ? "'" : c === '"' ? '"' : c === '`' ? '`' : c === '[' ? ']' : undefined;
    if (closing) {
      const end = sql.indexOf(closing, i + 1);
      if (quotedNames && c !== "'") yield sql.slice(i + 1, end === -1 ? sql.length : end);
      // A doubled quote inside a string is two strings back to back here, which reads the same.
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (/[A-Za-z_]/.test(c)) {
      const word = /^[A-Za-z0-9_$]+/.exec(sql.slice(i))![0];
      yield word;
      i += word.length;
    } else i += 1;
  }
}
