import type { Dialect } from '../connectors/connection.ts';
import { mysqlDefaultClause } from '../mysql/mysql-default-ddl.ts';
import { MysqlDialect } from '../mysql/mysql-dialect.ts';
import { PostgresDialect } from '../postgres/postgres-dialect.ts';
import { postgresTableDdl } from '../postgres/postgres-schema-ddl.ts';
import type { CheckInfo, ColumnInfo, DialectName, IndexInfo, TableInfo } from '../schema/model.ts';
import type { PipelineSettings } from '../spec/spec-schema.ts';
import { sqliteDefaultClause } from '../sqlite/sqlite-default-ddl.ts';
import { sqliteDialect } from '../sqlite/sqlite-dialect.ts';
import type { MigrationPlan, PlannedMapping, PlanWarning } from './plan-types.ts';
import { checkLeftBehind, portableCheckClause } from './portable-check.ts';
import type { DdlStatement, SchemaDdl } from './schema-ddl-types.ts';

export type { DdlPhase, DdlStatement, SchemaDdl } from './schema-ddl-types.ts';

export interface SchemaObjectSettings {
  /** ENUM columns as an enum type of their own, or a CHECK constraint on a varchar (PostgreSQL). */
  readonly enums: 'type' | 'check';
  /** `ON UPDATE CURRENT_TIMESTAMP` as a trigger (PostgreSQL). */
  readonly onUpdateTriggers: boolean;
}

/** What a target's table DDL may ask of the whole plan: names unique in the schema, warnings. */
export interface TableDdlContext {
  warn(column: string | undefined, message: string, fix: string): void;
  /** `base`, or `base_2`, `base_3`… when another object of the run took it; cut to `max` characters. */
  uniqueName(base: string, max: number): string;
}

/**
 * The DDL a run executes for the tables it creates, in the order it executes it: what `databridge
 * plan --ddl` prints and what the extract stage and build-after-load.ts run, from the same list.
 */
export function schemaDdl(
  mappings: readonly PlannedMapping[],
  dialect: Dialect,
  settings: Pick<PipelineSettings, 'enums' | 'onUpdateTriggers'>,
): SchemaDdl {
  const beforeLoad: DdlStatement[] = [];
  const afterLoad: DdlStatement[] = [];
  const foreignKeys: DdlStatement[] = [];
  const warnings: PlanWarning[] = [];
  const tables = createdTables(mappings);
  const used = new Set(tables.map((t) => `${t.schema}\u0000${t.name.toLowerCase()}`));
  for (const table of tables) {
    const label = `${table.schema}.${table.name}`;
    const ctx: TableDdlContext = {
      warn: (column, message, fix) =>
        warnings.push({ kind: 'schema_object', table: label, ...(column ? { column } : {}), message, fix }),
      uniqueName(base, max) {
        let name = base.slice(0, max);
        for (let n = 2; used.has(`${table.schema}\u0000${name.toLowerCase()}`); n++)
          name = `${base.slice(0, max - String(n).length - 1)}_${n}`;
        used.add(`${table.schema}\u0000${name.toLowerCase()}`);
        return name;
      },
    };
    const { before, after } =
      dialect instanceof PostgresDialect
        ? postgresTableDdl(dialect, table, settings, ctx)
        : otherTableDdl(dialect, table, ctx);
    beforeLoad.push(...before);
    afterLoad.push(...after);
    for (const sql of dialect.addForeignKeys(table, table))
      foreignKeys.push({ phase: 'foreign_key', table: label, sql });
  }
  // Every index first (they run side by side), then the rest in table order, then the foreign keys.
  const order = ['index', 'unique', 'check', 'identity', 'sequence', 'default', 'trigger', 'comment'];
  const sorted = [...afterLoad].sort((a, b) => order.indexOf(a.phase) - order.indexOf(b.phase));
  return { beforeLoad, afterLoad: [...sorted, ...foreignKeys], warnings };
}

/** The type a created column gets on a target of this kind (what plan warnings name). */
export function createdTypeOn(dialect: DialectName, defaultSchema: string): (column: ColumnInfo) => string {
  const target: Dialect =
    dialect === 'postgres'
      ? new PostgresDialect()
      : dialect === 'mysql'
        ? new MysqlDialect(defaultSchema)
        : sqliteDialect;
  return (column) => target.columnType(column) || 'untyped';
}

/** The plan with its DDL, and what the created tables will not get added to its warnings. */
export function withSchemaWarnings(plan: MigrationPlan, dialect: Dialect): MigrationPlan {
  const ddl = schemaDdl(plan.mappings, dialect, plan.spec.pipeline);
  return { ...plan, warnings: [...plan.warnings, ...ddl.warnings], ddl };
}

/** Each created table once, as the first mapping into it describes it. */
function createdTables(mappings: readonly PlannedMapping[]): TableInfo[] {
  const seen = new Set<string>();
  const tables: TableInfo[] = [];
  for (const m of mappings) {
    const key = `${m.target.schema}.${m.target.name}`;
    if (!m.createTarget || seen.has(key)) continue;
    seen.add(key);
    tables.push(m.target);
  }
  return tables;
}

/**
 * MySQL and SQLite targets: the table (unique constraints inline, as an upsert key needs them while
 * loading; MySQL's AUTO_INCREMENT inline too, its counter moves past every loaded key by itself),
 * then the other indexes after the load.
 */
function otherTableDdl(
  dialect: Dialect,
  table: TableInfo,
  ctx: TableDdlContext,
): { before: DdlStatement[]; after: DdlStatement[] } {
  const label = `${table.schema}.${table.name}`;
  const after: DdlStatement[] = [];
  for (const c of table.columns) {
    const clause =
      dialect.name === 'mysql' ? mysqlDefaultClause(c, dialect.columnType(c)) : sqliteDefaultClause(c);
    if (clause === undefined)
      ctx.warn(
        c.name,
        `the default of ${c.name} (${describeDefault(c)}) has no ${dialect.name === 'mysql' ? 'MySQL' : 'SQLite'} equivalent and is not created`,
        'set the default by hand after the run, or fill the column in the application',
      );
  }
  if (dialect.name === 'sqlite' && table.columns.some((c) => c.onUpdateCurrentTimestamp))
    ctx.warn(
      undefined,
      'ON UPDATE CURRENT_TIMESTAMP is not created on SQLite',
      'update the column in the application, or add a trigger by hand',
    );
  const checks = carriedChecks(dialect, table, ctx);
  const inline = new Set(table.uniqueConstraints.map((u) => u.columns.join('\u0000')));
  for (const index of table.indexes ?? []) {
    if (index.unique && inline.has(index.columns.join('\u0000'))) continue;
    const sql = otherIndex(dialect, table, index, ctx);
    if (sql) after.push({ phase: 'index', table: label, sql });
  }
  // SQLite cannot add a check to a table that exists: its checks go inline, the rest after the load.
  if (dialect.name === 'sqlite') {
    const created = { ...table, checks };
    return { before: [{ phase: 'table', table: label, sql: dialect.createTable(created, table) }], after };
  }
  const q = dialect.quoteIdentifier;
  for (const check of checks) {
    const name = ctx.uniqueName(check.name, 64);
    const sql = `ALTER TABLE ${dialect.qualify(table)} ADD CONSTRAINT ${q(name)} CHECK ${check.clause}`;
    after.push({ phase: 'check', table: label, sql });
  }
  return { before: [{ phase: 'table', table: label, sql: dialect.createTable(table, table) }], after };
}

/** The table's checks in the target's SQL; those that cannot be carried are named in a warning. */
function carriedChecks(dialect: Dialect, table: TableInfo, ctx: TableDdlContext): CheckInfo[] {
  const target = dialect.name;
  const carried: CheckInfo[] = [];
  for (const check of table.checks ?? []) {
    const clause = portableCheckClause(
      check,
      target,
      table.columns.map((c) => c.name),
    );
    if (clause === undefined) {
      const { message, fix } = checkLeftBehind(check, target);
      ctx.warn(undefined, message, fix);
    } else carried.push({ ...check, clause, dialect: target });
  }
  return carried;
}

function otherIndex(
  dialect: Dialect,
  table: TableInfo,
  index: IndexInfo,
  ctx: TableDdlContext,
): string | undefined {
  const columns = index.columns.map((name) => table.columns.find((c) => c.name === name));
  if (index.method === 'FULLTEXT' || index.method === 'SPATIAL' || columns.some((c) => !c)) {
    ctx.warn(
      undefined,
      `index ${index.name} (${index.columns.join(', ')}) is not created: ${index.method ?? 'an expression'} index`,
      'create it by hand after the run',
    );
    return undefined;
  }
  const q = dialect.quoteIdentifier;
  const unique = index.unique ? 'UNIQUE ' : '';
  if (dialect.name === 'sqlite') {
    const name = ctx.uniqueName(index.name, 128);
    // SQLite takes the schema on the index's name, never on the table's.
    return `CREATE ${unique}INDEX IF NOT EXISTS ${dialect.qualify({ schema: table.schema, name })} ON ${q(table.name)} (${index.columns.map(q).join(', ')})`;
  }
  // MySQL indexes a text or blob column only by a prefix: keep the source's, else the first 255.
  const parts = columns.map((c, i) => {
    const type = dialect.columnType(c!);
    const prefix = index.prefixLengths?.[i] ?? (/text|blob/i.test(type) ? 255 : null);
    return prefix === null ? q(c!.name) : `${q(c!.name)}(${prefix})`;
  });
  const name = ctx.uniqueName(index.name, 64);
  return `CREATE ${unique}INDEX ${q(name)} ON ${dialect.qualify(table)} (${parts.join(', ')})`;
}

function describeDefault(c: ColumnInfo): string {
  const value = c.defaultParsed;
  if (!value) return 'none';
  return value.kind === 'expression' ? value.sql : value.kind === 'literal' ? value.text : value.kind;
}
