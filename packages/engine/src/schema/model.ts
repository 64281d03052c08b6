import type { ConnectorName } from '../connectors/registry.ts';

/**
 * The neutral, read-only schema model every introspector returns. The native type is kept beside the
 * normalised one so that nothing is lost in translation.
 */

/** A database DataBridge reads and writes: one per descriptor in connectors/registry.ts. */
export type DialectName = ConnectorName;

/**
 * Normalised column types. Each has one canonical JavaScript form for row values (see values.ts).
 */
export type NormalisedType =
  | 'boolean'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'decimal'
  | 'float32'
  | 'float64'
  | 'string' // bounded character data (varchar, char, nvarchar)
  | 'text' // unbounded character data
  | 'date'
  | 'time'
  | 'timestamp' // without time zone
  | 'timestamptz'
  | 'binary'
  | 'bit' // a fixed string of bits (MySQL BIT(n) for n > 1, PostgreSQL bit(n) and varbit(n))
  | 'json'
  | 'uuid'
  | 'unknown';

export interface TableRef {
  readonly schema: string;
  readonly name: string;
}

export interface ColumnInfo {
  readonly name: string;
  /** As the database spells it, e.g. `NVARCHAR(40)`, `character varying(40)`, `numeric(10,2)`. */
  readonly nativeType: string;
  readonly type: NormalisedType;
  /** Maximum length in characters for `string`, in bytes for bounded `binary`, in bits for `bit`. */
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  /** MySQL's UNSIGNED integers. */
  readonly unsigned?: boolean;
  readonly nullable: boolean;
  /** The default expression as the database reports it, or null when there is none. */
  readonly defaultValue: string | null;
  readonly autoIncrement: boolean;
  /** 1-based position in the table. */
  readonly ordinal: number;
  /** `defaultValue` read into a form another database can be given; absent when there is none. */
  readonly defaultParsed?: ColumnDefault;
  /** MySQL's `ON UPDATE CURRENT_TIMESTAMP`: the column takes the time of every update of its row. */
  readonly onUpdateCurrentTimestamp?: boolean;
  /** The labels of a MySQL ENUM, in declared order. */
  readonly enumValues?: readonly string[];
  /** A generated (computed) column: its expression as the database spells it. Loaded as plain data. */
  readonly generated?: string;
  readonly comment?: string;
}

/**
 * A column default in a neutral form: a literal value (as text, as the source prints it), the current
 * date/time, or an expression only the source's SQL may understand (created only on its own kind).
 */
export type ColumnDefault =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'null' }
  | { readonly kind: 'current_timestamp' }
  | { readonly kind: 'current_date' }
  | { readonly kind: 'current_time' }
  /** `dialect`: the SQL it is written in, where a target of that kind may take it as it is. */
  | { readonly kind: 'expression'; readonly sql: string; readonly dialect?: DialectName };

/** A secondary index (unique or not); primary keys and foreign keys are kept apart. */
export interface IndexInfo {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** MySQL prefix indexes: the characters (bytes for binary) of each column indexed; absent for whole. */
  readonly prefixLengths?: readonly (number | null)[];
  /** The index method where it is not a plain b-tree (`FULLTEXT`, `SPATIAL`, `HASH`). */
  readonly method?: string;
}

export interface CheckInfo {
  readonly name: string;
  /** The condition, in parentheses, in the SQL of `dialect`. */
  readonly clause: string;
  readonly dialect: DialectName;
}

/** Something of the source a migration does not copy: views, triggers, routines, events. */
export interface SourceObject {
  readonly kind: 'view' | 'trigger' | 'routine' | 'event';
  readonly schema: string;
  readonly name: string;
}

export interface ForeignKeyInfo {
  readonly name: string;
  readonly columns: readonly string[];
  readonly referencedSchema: string;
  readonly referencedTable: string;
  readonly referencedColumns: readonly string[];
}

export interface UniqueConstraintInfo {
  readonly name: string;
  readonly columns: readonly string[];
}

export interface TableInfo extends TableRef {
  readonly columns: readonly ColumnInfo[];
  /** Column names of the primary key in key order; empty when the table has none. */
  readonly primaryKey: readonly string[];
  readonly foreignKeys: readonly ForeignKeyInfo[];
  readonly uniqueConstraints: readonly UniqueConstraintInfo[];
  /** The database's own estimate (statistics), or an exact count where that is cheap; -1 when unknown. */
  readonly rowEstimate: number;
  /** Secondary indexes (not the primary key); absent where the introspector does not read them. */
  readonly indexes?: readonly IndexInfo[];
  /** CHECK constraints as the database spells them (without JSON checks MariaDB makes itself). */
  readonly checks?: readonly CheckInfo[];
  readonly comment?: string;
}

export interface DatabaseSchema {
  readonly dialect: DialectName;
  /** Schemas that were introspected (SQLite has one: `main`). */
  readonly schemas: readonly string[];
  readonly tables: readonly TableInfo[];
  /** Views, triggers and routines, which are not migrated: listed so that the plan can name them. */
  readonly otherObjects?: readonly SourceObject[];
}

export function qualifiedName(table: TableRef): string {
  return `${table.schema}.${table.name}`;
}

export function sameTable(a: TableRef, b: TableRef): boolean {
  return a.schema === b.schema && a.name === b.name;
}

/** Finds a table by exact schema and name. */
export function findTable(schema: DatabaseSchema, ref: TableRef): TableInfo | undefined {
  return schema.tables.find((t) => sameTable(t, ref));
}

export function findColumn(table: TableInfo, name: string): ColumnInfo | undefined {
  return table.columns.find((c) => c.name === name);
}
