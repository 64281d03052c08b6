import { DataBridgeError } from '../errors.ts';
import type { MigrationPlan, PlannedMapping, PlanWarning } from '../plan/plan-types.ts';
import { cursorKey, type SavedCursor, type SourceColumn } from './sync-window.ts';

/** The source columns a mapping's next run compares against. */
export function sourceColumns(m: PlannedMapping): SourceColumn[] {
  return m.source.columns.map((c) => ({ name: c.name, nativeType: c.nativeType }));
}

/**
 * What changed in each incremental mapping's source table since the run that saved its cursor.
 * A column added or dropped that the mapping does not read is a warning in the report (map an added
 * one, and add it to the target, to copy it). A column the mapping reads that changed type stops the
 * run: loading converted values, or NULLs, in silence is worse than stopping. (A mapped column that
 * was dropped already stops the plan: it names the column.)
 */
export function schemaDrift(
  plan: MigrationPlan,
  saved: Readonly<Record<string, SavedCursor>>,
  lineOf: (path: readonly (string | number)[]) => string,
): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  for (const m of plan.mappings) {
    const before = m.sync ? saved[cursorKey(m)] : undefined;
    if (!before?.columns) continue;
    const table = `${m.target.schema}.${m.target.name}`;
    const now = new Map(m.source.columns.map((c) => [c.name, c]));
    const then = new Map(before.columns.map((c) => [c.name, c]));
    const read = new Set([
      ...m.columns.flatMap((c) => (c.source ? [c.source.name] : [])),
      ...m.sourceKey,
      m.sync!.cursor,
    ]);
    const since = `since run ${before.runId}`;
    for (const [name, column] of now) {
      const old = then.get(name);
      // addColumns copies it (add-source-columns.ts says so itself).
      if (!old && m.sync!.addColumns) continue;
      if (!old) {
        warnings.push({
          kind: 'schema_mismatch',
          table,
          column: name,
          message: `source column ${m.source.name}.${name} (${column.nativeType}) was added ${since}`,
          fix: 'map it in the mapping’s columns (and add it to the target table) to copy it',
        });
      } else if (old.nativeType !== column.nativeType) {
        if (read.has(name)) {
          const where = `${lineOf(['mappings', m.index])} mappings[${m.index}]`;
          throw new DataBridgeError(
            'bad_spec',
            `${where}: source column ${m.source.name}.${name} changed type from ${old.nativeType} to ${column.nativeType} ${since}; the mapping stops rather than load converted values: change the target column to match, then reset the mapping's state for a full reload`,
            { where },
          );
        }
        warnings.push({
          kind: 'schema_mismatch',
          table,
          column: name,
          message: `source column ${m.source.name}.${name} changed type from ${old.nativeType} to ${column.nativeType} ${since}`,
          fix: 'nothing to do while it is not mapped',
        });
      }
    }
    for (const name of then.keys()) {
      if (now.has(name)) continue;
      warnings.push({
        kind: 'schema_mismatch',
        table,
        column: name,
        message: `source column ${m.source.name}.${name} was dropped ${since}`,
        fix: 'nothing to do while it is not mapped',
      });
    }
  }
  return warnings;
}
