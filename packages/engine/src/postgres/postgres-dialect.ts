import type { Dialect } from '../connectors/connection.ts';
import type { ColumnInfo, TableInfo, TableRef } from '../schema/model.ts';

type ColumnShape = Pick<ColumnInfo, 'type' | 'length' | 'precision' | 'scale' | 'nativeType'>;

/** PostgreSQL refuses varchar(n) above this and numeric precision above 1000. */
const MAX_VARCHAR_LENGTH = 10_485_760;
const MAX_NUMERIC_PRECISION = 1000;

const SIMPLE_TYPES: Readonly<Record<string, string>> = {
  boolean: 'boolean',
  int16: 'smallint',
  int32: 'integer',
  int64: 'bigint',
  float32: 'real',
  float64: 'double precision',
  text: 'text',
  date: 'date',
  time: 'time',
  timestamp: 'timestamp',
  timestamptz: 'timestamptz',
  binary: 'bytea',
  json: 'jsonb',
  uuid: 'uuid',
  unknown: 'text',
};

/** Quoting, type names and DDL for PostgreSQL. */
export class PostgresDialect implements Dialect {
  readonly name = 'postgres' as const;
  readonly defaultSchema = 'public';

  /** Double quotes, with embedded double quotes doubled. An arrow so it can be passed around unbound. */
  quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

  qualify(table: TableRef): string {
    return `${this.quoteIdentifier(table.schema)}.${this.quoteIdentifier(table.name)}`;
  }

  placeholder(index: number): string {
    return `$${index}`;
  }

  columnType(column: ColumnShape): string {
    if (column.type === 'string') {
      const length = column.length;
      return length !== undefined && length > 0 && length <= MAX_VARCHAR_LENGTH
        ? `varchar(${length})`
        : 'text';
    }
    if (column.type === 'decimal') {
      const precision = column.precision;
      if (precision === undefined || precision < 1 || precision > MAX_NUMERIC_PRECISION) return 'numeric';
      return `numeric(${precision},${column.scale ?? 0})`;
    }
    if (column.type === 'bit') {
      // A varying source keeps varying: padding its shorter values to a fixed width would change them.
      const varying = /varying|varbit/i.test(column.nativeType ?? '') || column.length === undefined;
      const width = column.length === undefined ? '' : `(${column.length})`;
      return varying ? `varbit${width}` : `bit${width}`;
    }
    return SIMPLE_TYPES[column.type] ?? 'text';
  }

  /**
   * Columns with their types and NOT NULL, and the primary key; no defaults, no foreign keys (see
   * postgres-schema-ddl.ts for what is built after the load). A column with ENUM labels takes the enum
   * type made for it.
   */
  createTable(table: TableInfo, target: TableRef): string {
    const type = (c: ColumnInfo) =>
      c.enumValues && c.enumValues.length > 0 ? this.enumTypeName(target, c.name) : this.columnType(c);
    const lines = [...table.columns]
      .sort((a, b) => a.ordinal - b.ordinal)
      .map((c) => `  ${this.quoteIdentifier(c.name)} ${type(c)}${c.nullable ? '' : ' NOT NULL'}`);
    if (table.primaryKey.length > 0) lines.push(`  PRIMARY KEY (${this.columnList(table.primaryKey)})`);
    return `CREATE TABLE ${this.qualify(target)} (\n${lines.join(',\n')}\n)`;
  }

  /** The enum type created for an ENUM column: `table_column` in the table's schema. */
  enumTypeName(table: TableRef, column: string): string {
    return this.qualify({ schema: table.schema, name: `${table.name}_${column}`.slice(0, 63) });
  }

  /** One ALTER TABLE per foreign key; the referenced table is looked for in the target's schema. */
  addForeignKeys(table: TableInfo, target: TableRef): string[] {
    return table.foreignKeys.map((fk) => {
      const name = fk.name || `${target.name}_${fk.columns.join('_')}_fkey`;
      const referenced = this.qualify({ schema: target.schema, name: fk.referencedTable });
      return (
        `ALTER TABLE ${this.qualify(target)} ADD CONSTRAINT ${this.quoteIdentifier(name)} ` +
        `FOREIGN KEY (${this.columnList(fk.columns)}) REFERENCES ${referenced} (${this.columnList(fk.referencedColumns)})`
      );
    });
  }

  /**
   * Moves a staged batch into the target: the last staged row of each key wins (as if the rows were
   * applied in order, and because ON CONFLICT may not touch a row twice), existing rows get every
   * non-key column updated, or are left alone when every column is part of the key.
   */
  upsertFromStage(
    target: TableRef,
    stage: string,
    columns: readonly string[],
    key: readonly string[],
  ): string {
    const list = this.columnList(columns);
    const keyList = this.columnList(key);
    const updates = columns
      .filter((c) => !key.includes(c))
      .map((c) => `${this.quoteIdentifier(c)} = EXCLUDED.${this.quoteIdentifier(c)}`);
    const action = updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING';
    return (
      `INSERT INTO ${this.qualify(target)} (${list}) OVERRIDING SYSTEM VALUE ` +
      `SELECT DISTINCT ON (${keyList}) ${list} FROM ${this.quoteIdentifier(stage)} ORDER BY ${keyList}, ctid DESC ` +
      `ON CONFLICT (${keyList}) ${action}`
    );
  }

  /** `"a", "b"`. */
  columnList(names: readonly string[]): string {
    return names.map(this.quoteIdentifier).join(', ');
  }
}
