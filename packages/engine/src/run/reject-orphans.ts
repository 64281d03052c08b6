import type { Connection } from '../connectors/connection.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { ForeignKeyInfo, TableInfo } from '../schema/model.ts';
import type { Value } from '../values.ts';
import { jsonSafe, type RejectedRow, shorten } from './rejected-row.ts';

export interface OrphanRejections {
  /** Rows taken out, by mapping id (the first mapping into each created table). */
  readonly counts: Record<string, number>;
  readonly rows: readonly RejectedRow[];
  /** Foreign keys whose orphans could not be taken out (a MySQL self-reference in a table without a key). */
  readonly skipped: readonly string[];
}

/**
 * Under `continue` and `skip_and_log`, a rejected parent row leaves its children without a parent,
 * and the created table's foreign key could then not be added. Before the keys are added, this takes
 * those children out of the created tables and reports each as rejected, naming the parent row it
 * lacks; a child of a child taken out goes too (passes repeat until one takes nothing). The counts
 * then add up: source rows = loaded + rejected.
 */
export async function rejectOrphans(
  target: Connection,
  mappings: readonly PlannedMapping[],
): Promise<OrphanRejections> {
  const created = new Map<string, PlannedMapping>();
  for (const m of mappings) {
    const key = `${m.target.schema}.${m.target.name}`;
    if (m.createTarget && !created.has(key)) created.set(key, m);
  }
  const counts: Record<string, number> = {};
  const rows: RejectedRow[] = [];
  const skipped = new Set<string>();
  for (let pass = 0; pass <= created.size; pass++) {
    let taken = 0;
    for (const m of created.values()) {
      for (const fk of m.target.foreignKeys) {
        const parent = created.get(`${fk.referencedSchema}.${fk.referencedTable}`);
        if (!parent) continue;
        const self = parent.target.schema === m.target.schema && parent.target.name === m.target.name;
        // MySQL refuses a DELETE whose subquery reads the same table: such orphans go by their key.
        const byKey = self && target.dialect.name === 'mysql';
        if (byKey && m.target.primaryKey.length === 0) {
          skipped.add(`${m.target.schema}.${m.target.name} ${fk.name}`);
          continue;
        }
        const found = await takeOrphans(target, m, fk, parent.target, byKey);
        if (found.length === 0) continue;
        taken += found.length;
        counts[m.id] = (counts[m.id] ?? 0) + found.length;
        rows.push(...found);
      }
    }
    if (taken === 0) break;
  }
  return { counts, rows, skipped: [...skipped] };
}

async function takeOrphans(
  target: Connection,
  m: PlannedMapping,
  fk: ForeignKeyInfo,
  parent: TableInfo,
  byKey: boolean,
): Promise<RejectedRow[]> {
  const { dialect } = target;
  const q = dialect.quoteIdentifier;
  const child = dialect.qualify(m.target);
  // The child table is named in full in the subquery: MySQL takes no alias in a DELETE.
  const matches = fk.columns
    .map((c, i) => `p.${q(fk.referencedColumns[i]!)} = ${child}.${q(c)}`)
    .join(' AND ');
  const condition =
    `${fk.columns.map((c) => `${child}.${q(c)} IS NOT NULL`).join(' AND ')} AND ` +
    `NOT EXISTS (SELECT 1 FROM ${dialect.qualify(parent)} p WHERE ${matches})`;
  const orphans = await target.query(`SELECT * FROM ${child} WHERE ${condition}`);
  if (orphans.length === 0) return [];
  if (byKey) await deleteByKey(target, m.target, orphans);
  else await target.query(`DELETE FROM ${child} WHERE ${condition}`);
  const sourceName = (targetColumn: string) =>
    m.columns.find((c) => c.target.name === targetColumn)?.source?.name ?? targetColumn;
  return orphans.map((row): RejectedRow => {
    const values = fk.columns.map((c) => row[c] as Value);
    const shown = values.map((v) => shorten(v) ?? 'NULL').join(', ');
    return {
      mappingId: m.id,
      table: `${m.target.schema}.${m.target.name}`,
      column: fk.columns.join(', '),
      value: shown,
      reason: `its parent row ${parent.schema}.${parent.name} (${fk.referencedColumns.join(', ')}) = (${shown}) was rejected or is missing, so the row is rejected too and the foreign key ${fk.name} can be added`,
      code: 'constraint_violation',
      row: Object.fromEntries(Object.entries(row).map(([k, v]) => [sourceName(k), jsonSafe(v as Value)])),
    };
  });
}

/** Deletes the rows found, by primary key, a thousand at a time. */
async function deleteByKey(
  target: Connection,
  table: TableInfo,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  const { dialect } = target;
  const key = table.primaryKey;
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const params = chunk.flatMap((row) => key.map((c) => row[c] as Value));
    const tuples = chunk.map(
      (_, r) => `(${key.map((_, k) => dialect.placeholder(r * key.length + k + 1)).join(', ')})`,
    );
    await target.query(
      `DELETE FROM ${dialect.qualify(table)} WHERE (${key.map(dialect.quoteIdentifier).join(', ')}) IN (${tuples.join(', ')})`,
      params,
    );
  }
}
