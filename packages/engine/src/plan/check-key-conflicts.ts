import type { Connection } from '../connectors/connection.ts';
import type { MigrationPlan, PlannedMapping, PlanWarning } from './plan-types.ts';

const INTEGER = new Set(['int16', 'int32', 'int64']);

/**
 * Replaces the plan's rough primary-key warnings (the target is not empty) with measured ones where it
 * can: for a single integer key mapped onto the target's key, it counts the source rows whose key
 * falls inside the key range the target already holds. Rows that share a key will be rejected (or,
 * under fail_fast, stop the run), so the warning says how many are at stake.
 */
export async function checkKeyConflicts(
  plan: MigrationPlan,
  source: Connection,
  target: Connection,
): Promise<MigrationPlan> {
  const measured = new Map<string, PlanWarning | null>();
  for (const m of plan.mappings) {
    if (m.mode !== 'append' || m.createTarget || m.target.rowEstimate === 0) continue;
    const warning = await measure(m, source, target);
    if (warning !== undefined) measured.set(tableOf(m), warning);
  }
  if (measured.size === 0) return plan;
  const warnings = plan.warnings.filter((w) => !(w.kind === 'primary_key_conflict' && measured.has(w.table)));
  for (const warning of measured.values()) if (warning) warnings.push(warning);
  return { ...plan, warnings };
}

function tableOf(m: PlannedMapping): string {
  return `${m.target.schema}.${m.target.name}`;
}

/** A measured warning, null when the target holds no rows at all, undefined when it cannot tell. */
async function measure(
  m: PlannedMapping,
  source: Connection,
  target: Connection,
): Promise<PlanWarning | null | undefined> {
  const targetKey = m.target.primaryKey;
  if (targetKey.length !== 1) return undefined;
  const column = m.columns.find((c) => c.target.name === targetKey[0]);
  if (!column?.source || !INTEGER.has(column.source.type) || !INTEGER.has(column.target.type))
    return undefined;
  const held = await target.reader.count(m.target);
  if (held === 0) return null;
  const { min, max } = await target.reader.bounds(m.target, column.target.name);
  const lo = BigInt(String(min));
  const hi = BigInt(String(max));
  const key = source.dialect.quoteIdentifier(column.source.name);
  // The bounds are integers read back from the database: safe to write into the filter.
  const inRange = `${key} >= ${lo} AND ${key} <= ${hi}${m.where ? ` AND (${m.where})` : ''}`;
  const overlapping = await source.reader.count(m.source, inRange);
  return {
    kind: 'primary_key_conflict',
    table: tableOf(m),
    column: column.target.name,
    message:
      overlapping === 0
        ? `target already holds ${held} rows (keys ${lo}..${hi}); no source key falls in that range`
        : `target already holds ${held} rows with keys ${lo}..${hi}, and ${overlapping} source rows have keys in that range: each one that shares a key will be rejected`,
    fix: 'use mode "replace" to reload the table, or "upsert" to update matching rows',
  };
}
