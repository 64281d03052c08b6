import { setImmediate as nextTurn } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type {
  ColumnDefault,
  ColumnInfo,
  DatabaseSchema,
  ForeignKeyInfo,
  IndexInfo,
  SourceObject,
  TableInfo,
  UniqueConstraintInfo,
} from '../schema/model.ts';
import { CHECKPOINT_TABLE } from './sqlite-checkpoints.ts';
import { sqliteChecks } from './sqlite-checks.ts';
import { qualify, quoteIdentifier } from './sqlite-dialect.ts';
import { normaliseDeclaredType } from './sqlite-types.ts';

interface XinfoRow {
  cid: number;
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}
interface ForeignKeyRow {
  id: number;
  seq: number;
  table: string;
  from: string;
  to: string | null;
}
interface IndexRow {
  name: string;
  origin: string;
  unique: number;
  partial: number;
}
interface IndexColumnRow {
  seqno: number;
  name: string | null;
}
interface TableListRow {
  name: string;
  type: string;
  wr: number;
}

/** Looks a name up the way SQLite does: case-insensitively. */
function resolveName(names: readonly string[], wanted: string): string {
  return (
    names.find((n) => n === wanted) ?? names.find((n) => n.toLowerCase() === wanted.toLowerCase()) ?? wanted
  );
}

class SqliteCatalog {
  readonly #db: Database.Database;
  readonly tables: string[];
  readonly #withoutRowid: Set<string>;

  constructor(db: Database.Database) {
    this.#db = db;
    // table_list tells plain tables from views, virtual tables and their shadow tables (SQLite 3.37+).
    const list = (this.#pragma('table_list') as TableListRow[]).filter(
      (t) => t.type === 'table' && !/^sqlite_/i.test(t.name) && t.name !== CHECKPOINT_TABLE,
    );
    this.tables = list.map((t) => t.name).sort();
    this.#withoutRowid = new Set(list.filter((t) => t.wr === 1).map((t) => t.name));
  }

  #pragma(name: string, argument?: string): unknown[] {
    const call = argument === undefined ? name : `${name}(${quoteIdentifier(argument)})`;
    return this.#db.pragma(`main.${call}`) as unknown[];
  }

  columns(table: string): XinfoRow[] {
    // Hidden columns (hidden = 1) belong to virtual tables; generated columns (2, 3) are data.
    return (this.#pragma('table_xinfo', table) as XinfoRow[]).filter((c) => c.hidden !== 1);
  }

  primaryKey(table: string): string[] {
    return this.columns(table)
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
  }

  table(name: string): TableInfo {
    const rows = this.columns(name);
    const primaryKey = this.primaryKey(name);
    // An INTEGER PRIMARY KEY is the rowid: SQLite numbers new rows itself (AUTOINCREMENT only stops reuse).
    const rowid = primaryKey.length === 1 && !this.#withoutRowid.has(name) ? primaryKey[0] : undefined;
    const columns = rows.map((c, i): ColumnInfo => {
      const isRowid = c.name === rowid && c.type.toUpperCase() === 'INTEGER';
      return {
        name: c.name,
        nativeType: c.type,
        ...normaliseDeclaredType(c.type),
        nullable: c.notnull === 0 && !isRowid,
        defaultValue: c.dflt_value,
        autoIncrement: isRowid,
        ordinal: i + 1,
        ...(c.dflt_value === null ? {} : { defaultParsed: parseSqliteDefault(c.dflt_value) }),
        // table_xinfo marks generated columns hidden 2 (virtual) or 3 (stored); the expression is in the SQL.
        ...(c.hidden === 2 || c.hidden === 3 ? { generated: 'GENERATED ALWAYS AS (...)' } : {}),
      };
    });
    return {
      schema: 'main',
      name,
      columns,
      primaryKey,
      foreignKeys: this.foreignKeys(name, columns),
      uniqueConstraints: this.uniqueConstraints(name),
      rowEstimate: this.count(name),
      indexes: this.indexes(name),
      checks: sqliteChecks(name, this.#createSql(name)),
    };
  }

  /** The table's CREATE TABLE text, where SQLite keeps what no pragma lists (its CHECK constraints). */
  #createSql(table: string): string {
    const row = this.#db
      .prepare("SELECT sql FROM main.sqlite_schema WHERE type = 'table' AND name = ?")
      .get(table) as { sql: string | null } | undefined;
    return row?.sql ?? '';
  }

  /**
   * Unique constraints and CREATE [UNIQUE] INDEX, not the primary key's. A partial index (WHERE) or
   * one on an expression names an empty column, which the target's DDL skips with a warning.
   */
  indexes(table: string): IndexInfo[] {
    const rows = (this.#pragma('index_list', table) as IndexRow[]).filter((i) => i.origin !== 'pk');
    return rows.reverse().map((index) => {
      const columns = index.partial
        ? ['']
        : (this.#pragma('index_info', index.name) as IndexColumnRow[])
            .sort((a, b) => a.seqno - b.seqno)
            .map((c) => c.name ?? '');
      // A UNIQUE constraint's index is sqlite_autoindex_<table>_<n>: named as PostgreSQL would name it.
      const name = index.origin === 'u' ? `${table}_${columns.join('_')}_key` : index.name;
      return { name, columns, unique: index.unique === 1 };
    });
  }

  /** Views and triggers: not migrated, named by the plan. */
  otherObjects(): SourceObject[] {
    const rows = this.#db
      .prepare(
        "SELECT type, name FROM main.sqlite_schema WHERE type IN ('view', 'trigger') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name",
      )
      .all() as { type: 'view' | 'trigger'; name: string }[];
    return rows.map((r) => ({ kind: r.type, schema: 'main', name: r.name }));
  }

  foreignKeys(table: string, columns: readonly ColumnInfo[]): ForeignKeyInfo[] {
    const rows = (this.#pragma('foreign_key_list', table) as ForeignKeyRow[]).sort(
      (a, b) => a.id - b.id || a.seq - b.seq,
    );
    const ids = [...new Set(rows.map((r) => r.id))].reverse(); // SQLite numbers them last declared first
    const own = columns.map((c) => c.name);
    return ids.map((id) => {
      const parts = rows.filter((r) => r.id === id);
      const parent = resolveName(this.tables, parts[0]!.table);
      const from = parts.map((p) => resolveName(own, p.from));
      // `REFERENCES parent` without columns means the parent's primary key.
      const parentColumns = this.tables.includes(parent) ? this.columns(parent).map((c) => c.name) : [];
      const to = parts.every((p) => p.to === null)
        ? this.primaryKey(parent)
        : parts.map((p) => resolveName(parentColumns, p.to ?? ''));
      return {
        name: `${table}_${from.join('_')}_fkey`,
        columns: from,
        referencedSchema: 'main',
        referencedTable: parent,
        referencedColumns: to,
      };
    });
  }

  uniqueConstraints(table: string): UniqueConstraintInfo[] {
    const indexes = (this.#pragma('index_list', table) as IndexRow[]).filter((i) => i.origin === 'u');
    return indexes.map((index) => ({
      name: index.name,
      columns: (this.#pragma('index_info', index.name) as IndexColumnRow[])
        .sort((a, b) => a.seqno - b.seqno)
        .map((c) => c.name ?? ''),
    }));
  }

  /** Exact: SQLite keeps no row estimate, and count(*) over the smallest index is cheap enough here. */
  count(table: string): number {
    return Number(
      this.#db
        .prepare(`SELECT count(*) FROM ${qualify({ schema: 'main', name: table })}`)
        .pluck()
        .get(),
    );
  }
}

/**
 * Reads the `main` schema: plain tables (not views, virtual tables or SQLite's own), their columns
 * from table_xinfo with the declared type kept as `nativeType`, keys, unique constraints and exact
 * row counts. Yields to the event loop between tables, as counting a large one takes a moment.
 */
export async function introspectSqlite(
  db: Database.Database,
  options: { schemas?: readonly string[] } = {},
): Promise<DatabaseSchema> {
  if (options.schemas && !options.schemas.includes('main')) {
    return { dialect: 'sqlite', schemas: [], tables: [] };
  }
  const catalog = new SqliteCatalog(db);
  const tables: TableInfo[] = [];
  for (const name of catalog.tables) {
    tables.push(catalog.table(name));
    await nextTurn();
  }
  return { dialect: 'sqlite', schemas: ['main'], tables, otherObjects: catalog.otherObjects() };
}

/**
 * A column default as SQLite keeps it (the text after DEFAULT): a quoted string, a number, NULL,
 * TRUE/FALSE, CURRENT_TIMESTAMP/DATE/TIME (UTC), or an expression in parentheses.
 */
export function parseSqliteDefault(raw: string): ColumnDefault {
  const text = raw.trim();
  const upper = text.toUpperCase();
  if (upper === 'NULL') return { kind: 'null' };
  if (upper === 'CURRENT_TIMESTAMP') return { kind: 'current_timestamp' };
  if (upper === 'CURRENT_DATE') return { kind: 'current_date' };
  if (upper === 'CURRENT_TIME') return { kind: 'current_time' };
  if (upper === 'TRUE' || upper === 'FALSE') return { kind: 'literal', text: upper.toLowerCase() };
  if (/^'(?:[^']|'')*'$/.test(text))
    return { kind: 'literal', text: text.slice(1, -1).replaceAll("''", "'") };
  if (/^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(text))
    return { kind: 'literal', text: text.replace(/^\+/, '') };
  // `(expr)` as SQLite keeps it; the parentheses go back on when it is written again.
  const inner = /^\((.*)\)$/s.exec(text)?.[1] ?? text;
  return { kind: 'expression', sql: inner, dialect: 'sqlite' };
}
