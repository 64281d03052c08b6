import { setImmediate as nextTurn } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type {
  ColumnInfo,
  DatabaseSchema,
  ForeignKeyInfo,
  TableInfo,
  UniqueConstraintInfo,
} from '../schema/model.ts';
import { CHECKPOINT_TABLE } from './sqlite-checkpoints.ts';
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
    };
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
  return { dialect: 'sqlite', schemas: ['main'], tables };
}
