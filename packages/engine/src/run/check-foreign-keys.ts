import type { Connection } from '../connectors/connection.ts';
import type { PlannedMapping, PlanWarning } from '../plan/plan-types.ts';
import type { DeferredForeignKey } from './deferred-foreign-keys.ts';

const qualified = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`;

/**
 * The validate stage's look at the foreign keys the run owes the target: every key it dropped for the
 * load and every key of a table it created must be there and checked (PostgreSQL: convalidated).
 * Returns what is missing, in words; keys the report already names as not created or not checked
 * (rows an error policy skipped break them) are left to their warnings. Targets that cannot list
 * their foreign keys are not checked here.
 */
export async function foreignKeyProblems(
  target: Connection,
  mappings: readonly PlannedMapping[],
  deferred: readonly DeferredForeignKey[],
  warnings: readonly PlanWarning[],
): Promise<string[]> {
  const control = target.foreignKeys;
  if (!control) return [];
  const explained = new Set(warnings.filter((w) => w.kind === 'foreign_key').map((w) => w.table));
  const created = new Map<string, PlannedMapping>();
  for (const m of mappings)
    if (m.createTarget && m.target.foreignKeys.length > 0) created.set(qualified(m.target), m);
  const tables = [
    ...new Map(
      [...deferred.map((fk) => fk.table), ...[...created.values()].map((m) => m.target)].map((t) => [
        qualified(t),
        t,
      ]),
    ).values(),
  ];
  if (tables.length === 0) return [];
  const present = await control.list(tables.map((t) => ({ schema: t.schema, name: t.name })));
  const problems: string[] = [];
  for (const fk of deferred) {
    const table = qualified(fk.table);
    if (fk.problem || fk.state === 'unchecked' || explained.has(table)) continue;
    const found = present.find((p) => qualified(p.table) === table && p.name === fk.name);
    if (!found)
      problems.push(`${table}: foreign key ${fk.name} is missing (dropped for the load, never added back)`);
    else if (fk.validated && !found.validated)
      problems.push(`${table}: foreign key ${fk.name} is NOT VALID (added back, never checked)`);
  }
  for (const [table, m] of created) {
    if (explained.has(table)) continue;
    const own = present.filter((p) => qualified(p.table) === table);
    const expected = m.target.foreignKeys.length;
    if (own.length < expected)
      problems.push(
        `${table}: ${expected - own.length} of its ${expected} foreign key(s) were never created`,
      );
    const unchecked = own.filter((p) => !p.validated).map((p) => p.name);
    if (unchecked.length > 0) problems.push(`${table}: foreign key(s) ${unchecked.join(', ')} NOT VALID`);
  }
  return problems;
}
