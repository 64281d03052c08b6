/** The information_schema queries of the introspector; each takes the list of databases as `?`. */
export const INTROSPECTION_SQL = {
  tables: `
    SELECT TABLE_SCHEMA AS schemaName, TABLE_NAME AS tableName, TABLE_ROWS AS tableRows, DATA_LENGTH AS dataLength,
      TABLE_COMMENT AS tableComment
    FROM information_schema.TABLES
    WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA IN (?)
    ORDER BY TABLE_SCHEMA, TABLE_NAME`,
  columns: `
    SELECT TABLE_SCHEMA AS schemaName, TABLE_NAME AS tableName, COLUMN_NAME AS columnName,
      ORDINAL_POSITION AS ordinal, COLUMN_DEFAULT AS columnDefault, IS_NULLABLE AS isNullable,
      DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, CHARACTER_MAXIMUM_LENGTH AS maxLength,
      NUMERIC_PRECISION AS \`precision\`, NUMERIC_SCALE AS scale, EXTRA AS extra,
      COLUMN_COMMENT AS columnComment, GENERATION_EXPRESSION AS generationExpression
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
  /** Every index but the primary key, one row per column in index order. */
  indexes: `
    SELECT TABLE_SCHEMA AS schemaName, TABLE_NAME AS tableName, INDEX_NAME AS indexName,
      NON_UNIQUE AS nonUnique, COLUMN_NAME AS columnName, SUB_PART AS subPart, INDEX_TYPE AS indexType
    FROM information_schema.STATISTICS
    WHERE TABLE_SCHEMA IN (?) AND INDEX_NAME <> 'PRIMARY'
    ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
  /** Views, triggers and routines: not migrated, listed by the plan. */
  otherObjects: `
    SELECT 'view' AS kind, TABLE_SCHEMA AS schemaName, TABLE_NAME AS name FROM information_schema.VIEWS WHERE TABLE_SCHEMA IN (?)
    UNION ALL SELECT 'trigger', TRIGGER_SCHEMA, TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA IN (?)
    UNION ALL SELECT 'routine', ROUTINE_SCHEMA, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA IN (?)
    UNION ALL SELECT 'event', EVENT_SCHEMA, EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA IN (?)
    ORDER BY 1, 2, 3`,
  /** CHECK constraints (MariaDB names a column's after the column, so it is matched by table too). */
  checks: `
    SELECT tc.TABLE_SCHEMA AS schemaName, tc.TABLE_NAME AS tableName, tc.CONSTRAINT_NAME AS name,
      cc.CHECK_CLAUSE AS checkClause
    FROM information_schema.TABLE_CONSTRAINTS tc
    JOIN information_schema.CHECK_CONSTRAINTS cc
      ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME
    WHERE tc.CONSTRAINT_TYPE = 'CHECK' AND tc.TABLE_SCHEMA IN (?)
    ORDER BY tc.TABLE_SCHEMA, tc.TABLE_NAME, tc.CONSTRAINT_NAME`,
  mariadbCheckFilter: ' AND cc.TABLE_NAME = tc.TABLE_NAME',
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
  readonly tableComment: string | null;
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
  readonly columnComment: string | null;
  readonly generationExpression: string | null;
}

export interface IndexRow {
  readonly schemaName: string;
  readonly tableName: string;
  readonly indexName: string;
  readonly nonUnique: number | string;
  readonly columnName: string | null;
  readonly subPart: number | string | null;
  readonly indexType: string;
}

export interface OtherObjectRow {
  readonly kind: 'view' | 'trigger' | 'routine' | 'event';
  readonly schemaName: string;
  readonly name: string;
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

export interface NamedCheckRow {
  readonly schemaName: string;
  readonly tableName: string;
  readonly name: string;
  readonly checkClause: string;
}
