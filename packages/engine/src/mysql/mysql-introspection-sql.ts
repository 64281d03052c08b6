/** The information_schema queries of the introspector; each takes the list of databases as `?`. */
export const INTROSPECTION_SQL = {
  tables: `
    SELECT TABLE_SCHEMA AS schemaName, TABLE_NAME AS tableName, TABLE_ROWS AS tableRows, DATA_LENGTH AS dataLength
    FROM information_schema.TABLES
    WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA IN (?)
    ORDER BY TABLE_SCHEMA, TABLE_NAME`,
  columns: `
    SELECT TABLE_SCHEMA AS schemaName, TABLE_NAME AS tableName, COLUMN_NAME AS columnName,
      ORDINAL_POSITION AS ordinal, COLUMN_DEFAULT AS columnDefault, IS_NULLABLE AS isNullable,
      DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, CHARACTER_MAXIMUM_LENGTH AS maxLength,
      NUMERIC_PRECISION AS \`precision\`, NUMERIC_SCALE AS scale, EXTRA AS extra
    FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA IN (?)
    ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
  constraints: `
    SELECT tc.TABLE_SCHEMA AS schemaName, tc.TABLE_NAME AS tableName, tc.CONSTRAINT_NAME AS constraintName,
      tc.CONSTRAINT_TYPE AS constraintType, k.COLUMN_NAME AS columnName,
      k.REFERENCED_TABLE_SCHEMA AS referencedSchemaName, k.REFERENCED_TABLE_NAME AS referencedTableName,
      k.REFERENCED_COLUMN_NAME AS referencedColumnName
    FROM information_schema.TABLE_CONSTRAINTS tc
    JOIN information_schema.KEY_COLUMN_USAGE k
      ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
      AND k.TABLE_SCHEMA = tc.TABLE_SCHEMA AND k.TABLE_NAME = tc.TABLE_NAME
    WHERE tc.TABLE_SCHEMA IN (?) AND tc.CONSTRAINT_TYPE IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY')
    ORDER BY tc.TABLE_SCHEMA, tc.TABLE_NAME, tc.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
  /** MariaDB only (MySQL has a real JSON type, and no TABLE_NAME in this view). */
  mariadbChecks: `
    SELECT CONSTRAINT_SCHEMA AS schemaName, TABLE_NAME AS tableName, CHECK_CLAUSE AS checkClause
    FROM information_schema.CHECK_CONSTRAINTS
    WHERE CONSTRAINT_SCHEMA IN (?) AND CHECK_CLAUSE LIKE 'json_valid(%'`,
};

export interface TableRow {
  readonly schemaName: string;
  readonly tableName: string;
  readonly tableRows: number | string | null;
  readonly dataLength: number | string | null;
}

export interface ColumnRow {
  readonly schemaName: string;
  readonly tableName: string;
  readonly columnName: string;
  readonly ordinal: number;
  readonly columnDefault: string | null;
  readonly isNullable: string;
  readonly dataType: string;
  readonly columnType: string;
  readonly maxLength: number | null;
  readonly precision: number | null;
  readonly scale: number | null;
  readonly extra: string;
}

export interface ConstraintRow {
  readonly schemaName: string;
  readonly tableName: string;
  readonly constraintName: string;
  readonly constraintType: 'PRIMARY KEY' | 'UNIQUE' | 'FOREIGN KEY';
  readonly columnName: string;
  readonly referencedSchemaName: string | null;
  readonly referencedTableName: string | null;
  readonly referencedColumnName: string | null;
}

export interface CheckRow {
  readonly schemaName: string;
  readonly tableName: string;
  readonly checkClause: string;
}
