import type { ColumnDataType, ColumnDefinitionBuilder } from 'kysely';

export type StoreDialect = 'postgres' | 'sqlite';

/**
 * The few column types that differ between the two databases; the migrations name these instead of
 * a database's type, so one migration serves both. Once a migration has shipped, what it created
 * with these must not change: add a new hook rather than edit one.
 */
export interface ColumnTypes {
  /** A point in time: `timestamptz`, or ISO-8601 text on SQLite (which sorts as time does). */
  readonly timestamp: ColumnDataType;
  readonly json: ColumnDataType;
  readonly boolean: ColumnDataType;
  readonly float: ColumnDataType;
  /** An auto-numbered primary key that only grows, for lists paged by id. */
  readonly serialType: ColumnDataType;
  serial(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
}

const postgres: ColumnTypes = {
  timestamp: 'timestamptz',
  json: 'jsonb',
  boolean: 'boolean',
  float: 'double precision',
  serialType: 'bigint',
  serial: (column) => column.generatedAlwaysAsIdentity().primaryKey(),
};

const sqlite: ColumnTypes = {
  timestamp: 'text',
  json: 'text',
  boolean: 'integer',
  float: 'real',
  serialType: 'integer',
  // AUTOINCREMENT: a deleted last row's id is never handed out again, so cursors stay valid.
  serial: (column) => column.primaryKey().autoIncrement(),
};

export function columnTypes(dialect: StoreDialect): ColumnTypes {
  return dialect === 'postgres' ? postgres : sqlite;
}
