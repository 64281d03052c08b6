import type { Connection } from '../connectors/connection.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import type { ForeignKeyInfo, TableInfo } from '../schema/model.ts';
import type { Value } from '../values.ts';
import { jsonSafe, type RejectedRow, shorten } from './rejected-row.ts';

export interface OrphanRejections {
  /** Rows taken out, by mapping id (the first mapping into each created table). */
  readonly counts: Record<string, number>;
  readonly rows: readonly RejectedRow[];
  /** Foreign keys whose orphans could not be looked for (MySQL cannot for a self-reference). */
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
        if (self && target.dialect.name === 'mysql') {
          skipped.add(`${m.target.schema}.${m.target.name} ${fk.name}`);
          continue;
        }
        const found = await takeOrphans(target, m, fk, parent.target);
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
  await target.query(`DELETE FROM ${child} WHERE ${condition}`);
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
