import type { Pool } from 'mysql2/promise';
import type {
  ColumnInfo,
  DatabaseSchema,
  ForeignKeyInfo,
  IndexInfo,
  TableInfo,
  UniqueConstraintInfo,
} from '../schema/model.ts';
import { CHECKPOINT_TABLE } from './mysql-checkpoints.ts';
import { enumLabels, isOnUpdateCurrentTimestamp, parseMysqlDefault } from './mysql-column-extras.ts';
import { normaliseColumnType } from './mysql-column-types.ts';
import type { MysqlDialect } from './mysql-dialect.ts';
import { type MysqlServer, mapMysqlErrors } from './mysql-errors.ts';
import {
  type CheckRow,
  type ColumnRow,
  type ConstraintRow,
  INTROSPECTION_SQL,
  type IndexRow,
  type NamedCheckRow,
  type OtherObjectRow,
  type TableRow,
} from './mysql-introspection-sql.ts';
import { canonicalTypeCast } from './mysql-values.ts';

/** Tables whose statistics say 0 rows are counted exactly when they hold at most this much data. */
const EXACT_COUNT_MAX_BYTES = 16 * 1024 * 1024;
const COUNTS_PER_QUERY = 50;

/**
 * Reads tables, columns, keys and row estimates of whole databases from information_schema in four
 * queries (five on MariaDB, whose JSON columns are longtext with a `json_valid()` CHECK), whatever the
 * number of tables. A table's "schema" is its database.
 */
export class MysqlIntrospector {
  constructor(
    private readonly pool: Pool,
    private readonly dialect: MysqlDialect,
    private readonly server: MysqlServer,
  ) {}

  async introspect(schemas: readonly string[]): Promise<DatabaseSchema> {
    if (schemas.length === 0) return { dialect: 'mysql', schemas, tables: [] };
    return mapMysqlErrors(`Reading the schema of ${schemas.join(', ')}`, this.server, async () => {
      const [tables, columns, constraints, checks, indexes, others] = await Promise.all([
        this.rows<TableRow>(INTROSPECTION_SQL.tables, schemas),
        this.rows<ColumnRow>(INTROSPECTION_SQL.columns, schemas),
        this.rows<ConstraintRow>(INTROSPECTION_SQL.constraints, schemas),
        this.server.mariadb ? this.rows<CheckRow>(INTROSPECTION_SQL.mariadbChecks, schemas) : [],
        this.rows<IndexRow>(INTROSPECTION_SQL.indexes, schemas),
        this.rows<OtherObjectRow>(INTROSPECTION_SQL.otherObjects, schemas, 4),
      ]);
      const namedChecks = await this.rows<NamedCheckRow>(
        this.server.mariadb
          ? INTROSPECTION_SQL.checks.replace(
              "WHERE tc.CONSTRAINT_TYPE = 'CHECK'",
              `WHERE tc.CONSTRAINT_TYPE = 'CHECK'${INTROSPECTION_SQL.mariadbCheckFilter}`,
            )
          : INTROSPECTION_SQL.checks,
        schemas,
      );
      const checksOf = groupBy(
        namedChecks.filter((c) => !/^json_valid\(/i.test(c.checkClause.trim())),
        (c) => keyOf(c.schemaName, c.tableName),
      );
      const json = jsonColumnKeys(checks);
      const columnsOf = groupBy(columns, (c) => keyOf(c.schemaName, c.tableName));
      const constraintsOf = groupBy(constraints, (c) => keyOf(c.schemaName, c.tableName));
      const indexesOf = groupBy(indexes, (c) => keyOf(c.schemaName, c.tableName));
      const kept = tables.filter((t) => t.tableName !== CHECKPOINT_TABLE);
      const counts = await this.exactCounts(kept);
      const infos = kept.map((t, i): TableInfo => {
        const key = keyOf(t.schemaName, t.tableName);
        return {
          schema: t.schemaName,
          name: t.tableName,
          columns: (columnsOf.get(key) ?? []).map((c) => this.column(c, json.has(keyOf(key, c.columnName)))),
          ...keys(constraintsOf.get(key) ?? []),
          rowEstimate: counts.get(i) ?? (t.tableRows === null ? -1 : Number(t.tableRows)),
          indexes: indexInfos(indexesOf.get(key) ?? []),
          checks: (checksOf.get(key) ?? []).map((c) => ({
            name: c.name,
            clause: `(${c.checkClause})`,
            dialect: 'mysql' as const,
          })),
          ...(t.tableComment ? { comment: t.tableComment } : {}),
        };
      });
      const otherObjects = others.map((o) => ({ kind: o.kind, schema: o.schemaName, name: o.name }));
      return { dialect: 'mysql', schemas, tables: infos, otherObjects };
    });
  }

  private column(row: ColumnRow, isJson: boolean): ColumnInfo {
    const type = normaliseColumnType({ ...row, isJson });
    // MariaDB reports "no default" of a nullable column as the expression NULL.
    const noDefault = row.columnDefault === null || (this.server.mariadb && row.columnDefault === 'NULL');
    const labels = row.dataType.toLowerCase() === 'enum' ? enumLabels(row.columnType) : undefined;
    return {
      name: row.columnName,
      nativeType: row.columnType,
      ...type,
      nullable: row.isNullable === 'YES',
      defaultValue: noDefault ? null : row.columnDefault,
      autoIncrement: /auto_increment/i.test(row.extra),
      ordinal: Number(row.ordinal),
      ...(noDefault || row.columnDefault === null
        ? {}
        : { defaultParsed: parseMysqlDefault(row.columnDefault, row.extra, this.server.mariadb) }),
      ...(isOnUpdateCurrentTimestamp(row.extra) ? { onUpdateCurrentTimestamp: true } : {}),
      ...(labels ? { enumValues: labels } : {}),
      ...(row.generationExpression ? { generated: row.generationExpression } : {}),
      ...(row.columnComment ? { comment: row.columnComment } : {}),
    };
  }

  /** Exact counts, in a few UNION ALL queries, of small tables whose statistics say 0 or nothing. */
  private async exactCounts(tables: readonly TableRow[]): Promise<Map<number, number>> {
    const small = tables.flatMap((t, i) =>
      (t.tableRows === null || Number(t.tableRows) === 0) &&
      Number(t.dataLength ?? Infinity) <= EXACT_COUNT_MAX_BYTES
        ? [i]
        : [],
    );
    const counts = new Map<number, number>();
    for (let start = 0; start < small.length; start += COUNTS_PER_QUERY) {
      const chunk = small.slice(start, start + COUNTS_PER_QUERY);
      const sql = chunk
        .map(
          (i) =>
            `SELECT ${i} AS i, COUNT(*) AS n FROM ${this.dialect.qualify({ schema: tables[i]!.schemaName, name: tables[i]!.tableName })}`,
        )
        .join(' UNION ALL ');
      for (const row of await this.rows<{ i: number; n: number }>(sql, []))
        counts.set(Number(row.i), Number(row.n));
    }
    return counts;
  }

  /** `placeholders`: how many times the query names the list of databases. */
  private async rows<T>(sql: string, schemas: readonly string[], placeholders = 1): Promise<T[]> {
    const [rows] = await this.pool.query({
      sql,
      values: Array(placeholders).fill(schemas),
      typeCast: canonicalTypeCast,
    });
    return rows as T[];
  }
}

function keyOf(...parts: string[]): string {
  return parts.join('\u0000');
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** `schema\0table\0column` of MariaDB's JSON columns: `CHECK (json_valid(`col`))`. */
function jsonColumnKeys(checks: readonly CheckRow[]): Set<string> {
  const keys = new Set<string>();
  for (const check of checks) {
    const column = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(check.checkClause.trim())?.[1];
    if (column) keys.add(keyOf(check.schemaName, check.tableName, column.replaceAll('``', '`')));
  }
  return keys;
}

/** A table's indexes but the primary key, columns in index order, with their prefix lengths. */
function indexInfos(rows: readonly IndexRow[]): IndexInfo[] {
  return [...groupBy(rows, (r) => r.indexName).values()].map((parts) => {
    const first = parts[0]!;
    const prefixes = parts.map((p) => (p.subPart === null ? null : Number(p.subPart)));
    const method = first.indexType.toUpperCase();
    return {
      name: first.indexName,
      // A functional index (MySQL 8) has no column: its expression is not read, so it names none.
      columns: parts.map((p) => p.columnName ?? ''),
      unique: Number(first.nonUnique) === 0,
      ...(prefixes.some((p) => p !== null) ? { prefixLengths: prefixes } : {}),
      ...(method === 'BTREE' ? {} : { method }),
    };
  });
}

/** Primary key, foreign keys and unique constraints from a table's constraint rows, in key order. */
function keys(
  rows: readonly ConstraintRow[],
): Pick<TableInfo, 'primaryKey' | 'foreignKeys' | 'uniqueConstraints'> {
  const primaryKey: string[] = [];
  const foreignKeys: ForeignKeyInfo[] = [];
  const uniqueConstraints: UniqueConstraintInfo[] = [];
  for (const parts of groupBy(rows, (r) => keyOf(r.constraintType, r.constraintName)).values()) {
    const first = parts[0]!;
    const columns = parts.map((p) => p.columnName);
    if (first.constraintType === 'PRIMARY KEY') primaryKey.push(...columns);
    else if (first.constraintType === 'UNIQUE')
      uniqueConstraints.push({ name: first.constraintName, columns });
    else if (first.referencedTableName !== null) {
      foreignKeys.push({
        name: first.constraintName,
        columns,
        referencedSchema: first.referencedSchemaName ?? first.schemaName,
        referencedTable: first.referencedTableName,
        referencedColumns: parts.map((p) => p.referencedColumnName ?? ''),
      });
    }
  }
  return { primaryKey, foreignKeys, uniqueConstraints };
}
