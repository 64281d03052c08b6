import type { Dialect } from '../connectors/connection.ts';
import type { ColumnInfo, ForeignKeyInfo, TableInfo, TableRef } from '../schema/model.ts';
import { sqliteDefaultClause } from './sqlite-default-ddl.ts';

/** `"name"`, embedded double quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"main"."name"`: SQLite has the one schema, whatever schema the reference names. */
export function qualify(table: TableRef): string {
  return `"main".${quoteIdentifier(table.name)}`;
}

export function columnList(names: readonly string[]): string {
  return names.map(quoteIdentifier).join(', ');
}

/**
 * Declared types chosen so that re-introspection gives the same normalised type back (`INT` is
 * int32, `BIGINT` int64, `FLOAT4` float32, `TIMESTAMPTZ` timestamptz). SQLite stores by affinity:
 * decimals land as numbers under NUMERIC affinity (see sqlite-encode.ts), temporal values as text.
 */
export function columnType(
  column: Pick<ColumnInfo, 'type' | 'length' | 'precision' | 'scale' | 'unsigned'>,
): string {
  const unsigned = column.unsigned ? ' UNSIGNED' : '';
  switch (column.type) {
    case 'boolean':
      return 'BOOLEAN';
    case 'int16':
      return `SMALLINT${unsigned}`;
    case 'int32':
      return `INT${unsigned}`;
    case 'int64':
      return `BIGINT${unsigned}`;
    case 'decimal':
      if (column.precision === undefined) return 'NUMERIC';
      return column.scale === undefined
        ? `NUMERIC(${column.precision})`
        : `NUMERIC(${column.precision},${column.scale})`;
    case 'float32':
      return 'FLOAT4';
    case 'float64':
      return 'DOUBLE';
    case 'string':
      return column.length === undefined ? 'TEXT' : `VARCHAR(${column.length})`;
    case 'text':
      return 'TEXT';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
    case 'timestamp':
      return 'DATETIME';
    case 'timestamptz':
      return 'TIMESTAMPTZ';
    case 'binary':
      return 'BLOB';
    case 'bit':
      return 'TEXT'; // any BIT(n) spelling would take NUMERIC affinity and read `0101` as 101
    case 'json':
      return 'JSON';
    case 'uuid':
      return 'UUID';
    case 'unknown':
      return '';
  }
}

function foreignKey(fk: ForeignKeyInfo): string {
  // SQLite does not accept a schema in REFERENCES: the parent is in the same database.
  const parent = `${quoteIdentifier(fk.referencedTable)} (${columnList(fk.referencedColumns)})`;
  return `CONSTRAINT ${quoteIdentifier(fk.name)} FOREIGN KEY (${columnList(fk.columns)}) REFERENCES ${parent}`;
}

/**
 * `CREATE TABLE` with NOT NULL, the primary key, unique constraints (an upsert key needs one) and,
 * unlike other databases, the foreign keys inline: SQLite cannot add a constraint to an existing
 * table. They do not get in the way of loading, which runs with `foreign_keys=OFF`. A single int64
 * key column is declared `INTEGER` so that it becomes the rowid (no separate index, faster loads).
 */
export function createTable(table: TableInfo, target: TableRef): string {
  const [onlyKey, ...more] = table.primaryKey;
  const rowid =
    more.length === 0 ? table.columns.find((c) => c.name === onlyKey && c.type === 'int64') : undefined;
  const lines = table.columns.map((c) => {
    const type = c === rowid ? 'INTEGER' : columnType(c);
    const byDefault = sqliteDefaultClause(c) ?? '';
    return `  ${quoteIdentifier(c.name)}${type ? ` ${type}` : ''}${c.nullable ? '' : ' NOT NULL'}${byDefault}`;
  });
  if (table.primaryKey.length > 0) lines.push(`  PRIMARY KEY (${columnList(table.primaryKey)})`);
  for (const unique of table.uniqueConstraints) lines.push(`  UNIQUE (${columnList(unique.columns)})`);
  for (const fk of table.foreignKeys) lines.push(`  ${foreignKey(fk)}`);
  // Only conditions in SQLite's own SQL: schema-ddl.ts translates the others where it can.
  for (const check of table.checks ?? []) {
    if (check.dialect === 'sqlite')
      lines.push(`  CONSTRAINT ${quoteIdentifier(check.name)} CHECK ${check.clause}`);
  }
  return `CREATE TABLE ${qualify(target)} (\n${lines.join(',\n')}\n)`;
}

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  defaultSchema: 'main',
  quoteIdentifier,
  qualify,
  placeholder: () => '?',
  columnType,
  createTable,
  /** Always empty: SQLite cannot ALTER TABLE ... ADD CONSTRAINT, so createTable writes foreign keys inline. */
  addForeignKeys: () => [],
};
