import type { DatabaseSchema } from '../schema/model.ts';
import type { PlannedMapping, PlanWarning } from './plan-types.ts';

const REASONS = {
  view: 'its query is written in the source dialect',
  trigger: 'its body is written in the source dialect',
  routine: 'its body is written in the source dialect',
  event: 'scheduled events have no equivalent on the target',
} as const;

/**
 * What of the source the migration leaves behind, each by name with the reason: views, triggers,
 * routines and events of the schemas it reads, and generated columns whose values are copied as
 * plain data while their expression is not.
 */
export function notMigrated(source: DatabaseSchema, mappings: readonly PlannedMapping[]): PlanWarning[] {
  const read = new Set(mappings.map((m) => m.source.schema));
  const warnings: PlanWarning[] = (source.otherObjects ?? [])
    .filter((o) => read.has(o.schema))
    .map((o) => ({
      kind: 'schema_object',
      table: `${o.schema}.${o.name}`,
      message: `${o.kind} ${o.schema}.${o.name} is not migrated: ${REASONS[o.kind]}`,
      fix: `recreate the ${o.kind} on the target by hand if the application needs it`,
    }));
  for (const m of mappings) {
    for (const c of m.columns) {
      if (!c.source?.generated || !m.createTarget) continue;
      warnings.push({
        kind: 'schema_object',
        table: `${m.target.schema}.${m.target.name}`,
        column: c.target.name,
        message: `${m.source.name}.${c.source.name} is generated (${c.source.generated}): its values are copied, the expression is not recreated`,
        fix: 'declare the column as generated on the target by hand if it must stay computed',
      });
    }
  }
  return warnings;
}
