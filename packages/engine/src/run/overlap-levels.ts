import type { PlannedMapping } from '../plan/plan-types.ts';
import type { DeferredForeignKey } from './deferred-foreign-keys.ts';

/**
 * Whether every load level of a run may load at once, parents and children side by side as pgloader
 * does: when no foreign key between two of the run's target tables is checked while rows load. A
 * created table gets its foreign keys after the load (SQLite's inline ones are not enforced while
 * loading); an existing table's must have been dropped for the load (deferred-foreign-keys.ts). Any
 * other key (`per_row`, a table that held rows, an `upsert`, a constraint the user may not drop, a
 * MySQL or SQLite target) needs its parents in first, so levels then load one after another.
 */
export function levelsMayOverlap(
  mappings: readonly PlannedMapping[],
  deferred: readonly DeferredForeignKey[],
): boolean {
  const levels = new Set(mappings.map((m) => `${m.stage} ${m.level}`));
  if (levels.size < 2) return false;
  const key = (schema: string, name: string) => `${schema}.${name}`;
  const inRun = new Set(mappings.map((m) => key(m.target.schema, m.target.name)));
  const dropped = new Set(
    deferred
      .filter((fk) => fk.state === 'dropped')
      .map((fk) => `${key(fk.table.schema, fk.table.name)} ${fk.name}`),
  );
  return mappings.every((m) => {
    if (m.createTarget) return true;
    const own = key(m.target.schema, m.target.name);
    return m.target.foreignKeys.every((fk) => {
      const parent = key(fk.referencedSchema, fk.referencedTable);
      return parent === own || !inRun.has(parent) || dropped.has(`${own} ${fk.name}`);
    });
  });
}
