import { connectorOf } from '../connectors/registry.ts';
import { DataBridgeError } from '../errors.ts';
import type { ColumnInfo, DatabaseSchema, ForeignKeyInfo, TableInfo, TableRef } from '../schema/model.ts';
import type { ColumnMapping, MigrationSpec, TableMapping } from '../spec/spec-schema.ts';
import { checkTransformFits } from './check-transform-fits.ts';
import { orderByForeignKeys } from './load-order.ts';
import { notMigrated } from './not-migrated.ts';
import { planSync, syncLoadMode } from './plan-sync.ts';
import type { MigrationPlan, PlannedColumn, PlannedMapping, PlanWarning } from './plan-types.ts';
import { parseTableName, requireColumn, requireTable } from './resolve-names.ts';
import { sameDatabase } from './same-database.ts';
import { createdTypeOn } from './schema-ddl.ts';
import { checkSqlFragment } from './sql-fragment.ts';
import { compareTypes } from './type-compatibility.ts';
import { collectWarnings } from './warnings.ts';

export interface PlanContext {
  readonly spec: MigrationSpec;
  readonly sourceSchema: DatabaseSchema;
  readonly targetSchema: DatabaseSchema;
  readonly sourceDefaultSchema: string;
  readonly targetDefaultSchema: string;
  /** `file:line` for a spec path, for messages. */
  readonly lineOf: (path: readonly (string | number)[]) => string;
}

/**
 * Checks the spec against both live schemas and orders the target tables by foreign keys into
 * dimensions (referenced by another target) and facts. Throws bad input naming the spec field.
 */
export function buildPlan(ctx: PlanContext): MigrationPlan {
  const resolved = ctx.spec.mappings.map((m, i) => resolveMapping(ctx, m, i));
  const shared = sameDatabase(ctx.spec.source.url, ctx.spec.target.url);
  if (shared) rejectSameTable(resolved, ctx);
  const ordered = applyLoadOrder(resolved, ctx);
  if (ctx.spec.pipeline.validation.schema) rejectIncompatibleTypes(ordered, ctx);
  const warnings = [
    ...(shared ? sharedDatabaseWarnings(ordered) : []),
    ...collectWarnings(ordered, createdTypeOn(ctx.targetSchema.dialect, ctx.targetDefaultSchema)),
    ...notMigrated(ctx.sourceSchema, ordered),
  ];
  return { spec: ctx.spec, mappings: ordered, warnings };
}

/**
 * Source and target in one database: a mapping may not read and write the same table. The read and
 * the truncate or load would lock each other (a replace waits for good), or the load would read its
 * own rows.
 */
function rejectSameTable(mappings: readonly Unordered[], ctx: PlanContext): void {
  for (const m of mappings) {
    if (m.source.schema !== m.target.schema || m.source.name !== m.target.name) continue;
    const where = `${ctx.lineOf(['mappings', m.index, 'target'])} mappings[${m.index}].target`;
    throw new DataBridgeError(
      'bad_spec',
      `${where}: ${m.source.schema}.${m.source.name} is both the source and the target of this mapping (same server, database, schema and table): reading it while truncating or loading it would lock the run, or read its own rows; choose another target table, schema or database`,
      { where },
    );
  }
}

function sharedDatabaseWarnings(mappings: readonly PlannedMapping[]): PlanWarning[] {
  const first = mappings[0];
  if (!first) return [];
  return [
    {
      kind: 'schema_mismatch',
      table: `${first.target.schema}.${first.target.name}`,
      message:
        'the source and the target are the same database: the load competes with the reads for locks and I/O',
      fix: 'use a separate target database where you can',
    },
  ];
}

/** With schema validation on, a column whose source type cannot convert to its target at all is an error. */
function rejectIncompatibleTypes(mappings: readonly PlannedMapping[], ctx: PlanContext): void {
  for (const m of mappings) {
    for (const [j, c] of m.columns.entries()) {
      if (!c.source || c.transform.length > 0) continue;
      const verdict = compareTypes(c.source, c.target);
      if (verdict.level !== 'incompatible') continue;
      const where = `${ctx.lineOf(['mappings', m.index, 'columns', j])} mappings[${m.index}].columns[${j}]`;
      throw new DataBridgeError(
        'bad_spec',
        `${where}: ${m.source.name}.${c.source.name} (${c.source.nativeType}) cannot go into ${m.target.name}.${c.target.name} (${c.target.nativeType}): ${verdict.reason} (set pipeline.validation.schema: false to try anyway)`,
        { where },
      );
    }
  }
}

type Unordered = Omit<PlannedMapping, 'stage' | 'level'>;

function resolveMapping(ctx: PlanContext, mapping: TableMapping, index: number): Unordered {
  const at = (...path: (string | number)[]) =>
    `${ctx.lineOf(['mappings', index, ...path])} mappings[${index}]${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`;
  const sourceRef = parseTableName(mapping.source, ctx.spec.source.schema ?? ctx.sourceDefaultSchema);
  const source = requireTable(ctx.sourceSchema, sourceRef, 'source', at('source'));
  const targetRef = parseTableName(mapping.target, ctx.spec.target.schema ?? ctx.targetDefaultSchema);
  const existing = ctx.targetSchema.tables.find(
    (t) => t.schema === targetRef.schema && t.name.toLowerCase() === targetRef.name.toLowerCase(),
  );
  const { schema: schemaSetting, createTables } = ctx.spec.pipeline;
  const createTarget = !existing && (schemaSetting ? schemaSetting !== 'data_only' : createTables);
  if (!existing && !createTarget) requireTable(ctx.targetSchema, targetRef, 'target', at('target'));

  const sourceColumnOf = (column: ColumnMapping, j: number) =>
    column.source === undefined
      ? undefined
      : requireColumn(source, column.source, 'source', at('columns', j, 'source'));
  const target = existing ?? synthesiseTarget(ctx, source, targetRef, mapping, sourceColumnOf);

  const dialect = ctx.sourceSchema.dialect;
  if (mapping.where !== undefined) checkSqlFragment(mapping.where, 'filter', at('where'), dialect);
  // schema_only: every stage runs (tables, indexes, keys), over no row.
  const where =
    schemaSetting === 'schema_only'
      ? mapping.where === undefined
        ? '1 = 0'
        : `(${mapping.where}) AND 1 = 0`
      : mapping.where;
  const seen = new Set<string>();
  const columns: PlannedColumn[] = mapping.columns.map((column, j) => {
    if (column.expression !== undefined)
      checkSqlFragment(column.expression, 'expression', at('columns', j, 'expression'));
    const targetColumn = requireColumn(target, column.target, 'target', at('columns', j, 'target'));
    if (seen.has(targetColumn.name)) {
      throw new DataBridgeError(
        'bad_spec',
        `${at('columns', j, 'target')}: target column "${targetColumn.name}" is filled twice`,
      );
    }
    seen.add(targetColumn.name);
    checkTransformFits(
      column.transform,
      targetColumn,
      (...path) => at('columns', j, ...path),
      `${mapping.source} → ${mapping.target}`,
    );
    const sourceColumn = sourceColumnOf(column, j);
    return {
      target: targetColumn,
      ...(sourceColumn ? { source: sourceColumn } : {}),
      ...(column.expression !== undefined ? { expression: column.expression } : {}),
      ...(column.default !== undefined ? { defaultValue: column.default } : {}),
      transform: column.transform,
      onInvalid: column.onInvalid,
      deferred: false,
    };
  });
  for (const excluded of mapping.exclude) requireColumn(source, excluded, 'source', at('exclude'));

  const missing = target.columns.filter(
    (c) => !c.nullable && c.defaultValue === null && !c.autoIncrement && !seen.has(c.name),
  );
  if (missing.length > 0) {
    throw new DataBridgeError(
      'bad_spec',
      `${at('columns')}: target column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `"${c.name}"`).join(', ')} of ${target.schema}.${target.name} ${missing.length > 1 ? 'are' : 'is'} NOT NULL without a default and not mapped`,
    );
  }

  const conflictKey = mapping.key
    ? mapping.key.map((k, j) => requireColumn(target, k, 'target', at('key', j)).name)
    : target.primaryKey;
  const unmappedKey = conflictKey.filter((k) => !seen.has(k));
  const sync = planSync(mapping, source, conflictKey, at);
  const mode = syncLoadMode(mapping);
  if (mode === 'upsert' && conflictKey.length > 0 && unmappedKey.length > 0) {
    throw new DataBridgeError(
      'bad_spec',
      `${at('key')}: upsert matches rows on ${conflictKey.join(', ')}, so ${unmappedKey.map((k) => `"${k}"`).join(', ')} must be mapped too`,
    );
  }
  if (mode === 'upsert' && conflictKey.length === 0) {
    throw new DataBridgeError(
      'bad_spec',
      `${at('mode')}: upsert needs a key, and ${target.schema}.${target.name} has no primary key: set "key"`,
    );
  }
  return {
    id: `m${index + 1}`,
    index,
    source,
    target,
    createTarget,
    mode,
    conflictKey,
    where,
    columns,
    sourceKey: readKey(source),
    ...(sync ? { sync } : {}),
    // A plain copy carries every value unchanged: no operation, no default, no rule that may alter one.
    plainCopy: columns.every(
      (c) =>
        c.source &&
        c.transform.length === 0 &&
        c.defaultValue === undefined &&
        c.onInvalid === 'reject' &&
        !zeroDateAsNull(ctx, c.source),
    ),
  };
}

/** The primary key, else a unique key of NOT NULL columns, else none. */
function readKey(table: TableInfo): readonly string[] {
  if (table.primaryKey.length > 0) return table.primaryKey;
  const notNull = (name: string) => table.columns.find((c) => c.name === name)?.nullable === false;
  return table.uniqueConstraints.find((u) => u.columns.every(notNull))?.columns ?? [];
}

/** The target table `createTables` will create: mapped names, source types, key and foreign keys. */
function synthesiseTarget(
  ctx: PlanContext,
  source: TableInfo,
  ref: TableRef,
  mapping: TableMapping,
  sourceColumnOf: (c: ColumnMapping, j: number) => ColumnInfo | undefined,
): TableInfo {
  const renamed = new Map<string, string>();
  const columns: ColumnInfo[] = mapping.columns.map((c, j) => {
    const from = sourceColumnOf(c, j);
    if (from) renamed.set(from.name, c.target);
    const base: ColumnInfo = from ?? {
      name: c.target,
      nativeType: 'text',
      type: 'text',
      nullable: true,
      defaultValue: null,
      autoIncrement: false,
      ordinal: 0,
    };
    // The source's default text is in the source's SQL: the created column keeps the parsed form,
    // which the target's DDL translates (schema-ddl.ts). An identity stays one only when copied as is.
    return {
      ...base,
      name: c.target,
      ordinal: j + 1,
      defaultValue: null,
      autoIncrement: base.autoIncrement && c.transform.length === 0 && c.expression === undefined,
      nullable: base.nullable || c.expression !== undefined || zeroDateAsNull(ctx, base),
    };
  });
  const primaryKey = source.primaryKey.every((k) => renamed.has(k))
    ? source.primaryKey.map((k) => renamed.get(k)!)
    : [];
  const foreignKeys: ForeignKeyInfo[] = [];
  for (const fk of source.foreignKeys) {
    const parent = ctx.spec.mappings.find((m) => {
      const r = parseTableName(m.source, ctx.spec.source.schema ?? ctx.sourceDefaultSchema);
      return r.name.toLowerCase() === fk.referencedTable.toLowerCase();
    });
    if (!parent || !fk.columns.every((c) => renamed.has(c))) continue;
    const parentRef = parseTableName(parent.target, ctx.spec.target.schema ?? ctx.targetDefaultSchema);
    const parentColumns = fk.referencedColumns.map(
      (rc) => parent.columns.find((pc) => pc.source === rc)?.target,
    );
    if (parentColumns.some((c) => c === undefined)) continue;
    foreignKeys.push({
      name: `fk_${ref.name}_${fk.columns.map((c) => renamed.get(c)).join('_')}`,
      columns: fk.columns.map((c) => renamed.get(c)!),
      referencedSchema: parentRef.schema,
      referencedTable: parentRef.name,
      referencedColumns: parentColumns as string[],
    });
  }
  const allRenamed = (names: readonly string[]) => names.length > 0 && names.every((n) => renamed.has(n));
  const uniqueConstraints = source.uniqueConstraints
    .filter((u) => allRenamed(u.columns))
    .map((u) => ({ name: u.name, columns: u.columns.map((n) => renamed.get(n)!) }));
  // An index on an expression (a column named '') stays, so that the DDL names it as not created.
  const indexes = source.indexes
    ?.filter((ix) => allRenamed(ix.columns.filter((n) => n !== '')) || ix.columns.every((n) => n === ''))
    .map((ix) => ({ ...ix, columns: ix.columns.map((n) => (n === '' ? '' : renamed.get(n)!)) }));
  // A check names columns in its own SQL: it is kept only when the mapping renames none.
  const checks = [...renamed].every(([from, to]) => from === to) ? source.checks : undefined;
  return {
    schema: ref.schema,
    name: ref.name,
    columns,
    primaryKey,
    foreignKeys,
    uniqueConstraints,
    rowEstimate: 0,
    ...(indexes ? { indexes } : {}),
    ...(checks && checks.length > 0 ? { checks } : {}),
    ...(source.comment ? { comment: source.comment } : {}),
  };
}

/** Under `zeroDates: null` a MySQL date column may receive NULL for its zero dates. */
function zeroDateAsNull(ctx: PlanContext, column: ColumnInfo): boolean {
  return (
    ctx.spec.pipeline.zeroDates === 'null' &&
    connectorOf(ctx.sourceSchema.dialect).valueLimits.zeroDates &&
    ['date', 'timestamp', 'timestamptz'].includes(column.type)
  );
}

function applyLoadOrder(mappings: readonly Unordered[], ctx: PlanContext): PlannedMapping[] {
  const key = (t: TableRef) => `${t.schema}.${t.name}`;
  const byTarget = new Map<string, Unordered[]>();
  for (const m of mappings) byTarget.set(key(m.target), [...(byTarget.get(key(m.target)) ?? []), m]);
  // Only constraints that exist while loading force an order; created tables get theirs afterwards,
  // but still load parents first so the constraints can be added.
  const nodes = [...byTarget.entries()].map(([id, group]) => ({
    id,
    edges: group[0]!.target.foreignKeys.map((fk) => ({
      references: `${fk.referencedSchema}.${fk.referencedTable}`,
      columns: fk.columns,
      nullable:
        group[0]!.createTarget ||
        fk.columns.every((c) => group[0]!.target.columns.find((tc) => tc.name === c)?.nullable !== false),
    })),
  }));
  const order = orderByForeignKeys(nodes);
  if (order.unbreakable.length > 0) {
    throw new DataBridgeError(
      'bad_spec',
      `${ctx.lineOf(['mappings'])}: the foreign keys of ${order.unbreakable[0]!.join(', ')} form a cycle of NOT NULL columns that no load order satisfies`,
    );
  }
  return mappings.map((m) => {
    const id = key(m.target);
    const deferred = m.createTarget ? [] : (order.deferred.get(id) ?? []);
    const keyMapped =
      m.sourceKey.length > 0 && m.sourceKey.every((k) => m.columns.some((c) => c.source?.name === k));
    if (deferred.length > 0 && !keyMapped) {
      throw new DataBridgeError(
        'bad_spec',
        `${ctx.lineOf(['mappings', m.index])} mappings[${m.index}]: ${deferred.join(', ')} of ${id} must be filled after loading (a foreign-key cycle or self-reference), which needs the source key (${m.sourceKey.join(', ') || 'none'}) mapped`,
      );
    }
    return {
      ...m,
      columns: m.columns.map((c) =>
        deferred.includes(c.target.name) && c.source ? { ...c, deferred: true } : c,
      ),
      stage: order.referenced.has(id) ? 'load_dimensions' : 'load_facts',
      level: order.level.get(id) ?? 0,
    };
  });
}
