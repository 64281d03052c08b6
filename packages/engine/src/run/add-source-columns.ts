import type { Connection } from '../connectors/connection.ts';
import { messageOf } from '../errors.ts';
import type { MigrationPlan, PlannedColumn, PlannedMapping, PlanWarning } from '../plan/plan-types.ts';
import type { ColumnInfo } from '../schema/model.ts';
import { cursorKey, type SavedCursor } from './sync-window.ts';

export interface AddedColumns {
  readonly plan: MigrationPlan;
  /** Mappings (by cursorKey) whose run must reload every row: a column came to their target. */
  readonly reload: ReadonlySet<string>;
  readonly warnings: readonly PlanWarning[];
}

/**
 * `sync.addColumns`: each incremental mapping also copies the source columns its `columns` do not
 * name (`exclude` aside) into the target's columns of the same name. A column added at the source
 * since the last run is first added to the target (nullable), and the mapping then reloads every
 * row this run, so that no row keeps a NULL it never had.
 */
export async function addSourceColumns(
  plan: MigrationPlan,
  saved: Readonly<Record<string, SavedCursor>>,
  target: Connection,
): Promise<AddedColumns> {
  const reload = new Set<string>();
  const warnings: PlanWarning[] = [];
  const mappings: PlannedMapping[] = [];
  for (const m of plan.mappings) {
    if (!m.sync?.addColumns) {
      mappings.push(m);
      continue;
    }
    const key = cursorKey(m);
    const before = saved[key]?.columns;
    const exclude = new Set((plan.spec.mappings[m.index]?.exclude ?? []).map((n) => n.toLowerCase()));
    const named = new Set(m.columns.flatMap((c) => (c.source ? [c.source.name.toLowerCase()] : [])));
    const targetNames = new Set(m.columns.map((c) => c.target.name.toLowerCase()));
    const extra: PlannedColumn[] = [];
    const created: ColumnInfo[] = [];
    for (const column of m.source.columns) {
      const lower = column.name.toLowerCase();
      if (named.has(lower) || exclude.has(lower) || targetNames.has(lower) || column.generated) continue;
      let into = m.target.columns.find((c) => c.name.toLowerCase() === lower);
      const isNew = before !== undefined && !before.some((c) => c.name === column.name);
      if (!into && isNew) {
        into = await addTargetColumn(target, m, column);
        created.push(into);
        reload.add(key);
        warnings.push({
          kind: 'schema_mismatch',
          table: `${m.target.schema}.${m.target.name}`,
          column: column.name,
          message: `source column ${m.source.name}.${column.name} (${column.nativeType}) was added since run ${saved[key]!.runId}: added to the target as ${into.nativeType} and copied; this run reloads the table in full`,
          fix: 'nothing to do (sync.addColumns)',
        });
      }
      if (!into) continue;
      extra.push({ target: into, source: column, transform: [], onInvalid: 'reject', deferred: false });
    }
    mappings.push(
      extra.length === 0
        ? m
        : {
            ...m,
            columns: [...m.columns, ...extra],
            target: { ...m.target, columns: [...m.target.columns, ...created] },
          },
    );
  }
  return { plan: { ...plan, mappings }, reload, warnings };
}

async function addTargetColumn(
  target: Connection,
  m: PlannedMapping,
  column: ColumnInfo,
): Promise<ColumnInfo> {
  const type = target.dialect.columnType(column);
  const sql = `ALTER TABLE ${target.dialect.qualify(m.target)} ADD COLUMN ${target.dialect.quoteIdentifier(column.name)} ${type}`;
  try {
    await target.query(sql);
  } catch (error) {
    // A run killed after adding it, before it was recorded, finds it there: that is what it wanted.
    if (!/already exists|duplicate column/i.test(messageOf(error))) throw error;
  }
  return {
    ...column,
    nativeType: type,
    nullable: true,
    defaultValue: null,
    autoIncrement: false,
    ordinal: m.target.columns.length + 1,
  };
}
