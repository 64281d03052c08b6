import type { ColumnInfo } from '../schema/model.ts';
import type { PlannedMapping, PlanWarning } from './plan-types.ts';
import { compareTypes } from './type-compatibility.ts';

/**
 * Warnings a user should read before running: each names the table, the column and what to do.
 * Nothing here stops a run; errors are thrown while building the plan.
 */
export function collectWarnings(
  mappings: readonly PlannedMapping[],
  /** The type the target will create for a column of a created table (warnings name the real one). */
  createdType: (column: ColumnInfo) => string = (c) => c.nativeType,
): PlanWarning[] {
  const warnings: PlanWarning[] = [];
  const targets = new Set(mappings.map((m) => `${m.target.schema}.${m.target.name}`));
  for (const m of mappings) {
    const table = `${m.target.schema}.${m.target.name}`;
    for (const c of m.columns) {
      if (c.source) {
        const verdict = compareTypes(c.source, c.target);
        if (verdict.level === 'narrowing' || verdict.level === 'incompatible') {
          warnings.push({
            kind: 'type_compatibility',
            table,
            column: c.target.name,
            message: `${m.source.name}.${c.source.name} (${c.source.nativeType}) into ${m.createTarget ? createdType(c.target) : c.target.nativeType}: ${verdict.reason}`,
            fix: 'widen the target column, or add a transformation that makes the values fit',
          });
        }
      }
      const mayBeNull = c.source ? c.source.nullable : c.expression !== undefined;
      if (mayBeNull && !c.target.nullable && c.defaultValue === undefined && c.target.defaultValue === null) {
        warnings.push({
          kind: 'null_constraint',
          table,
          column: c.target.name,
          message: `${c.source ? `${m.source.name}.${c.source.name}` : 'the expression'} may be NULL but ${c.target.name} is NOT NULL`,
          fix: 'set a default value for the column, or filter NULL rows out with "where"',
        });
      }
      if (c.deferred) {
        warnings.push({
          kind: 'foreign_key',
          table,
          column: c.target.name,
          message: `${c.target.name} references a table in a foreign-key cycle (or its own table): it is loaded as NULL and filled after the rows exist`,
          fix: 'nothing to do; readers of the target may see NULL here while the run is in progress',
        });
      }
    }
    if (m.mode === 'append' && m.target.rowEstimate > 0 && !m.createTarget) {
      warnings.push({
        kind: 'primary_key_conflict',
        table,
        message: `target already holds about ${m.target.rowEstimate} rows; appended rows that share a primary key with them will fail`,
        fix: 'use mode "replace" to reload the table, or "upsert" to update matching rows',
      });
    }
    for (const fk of m.target.foreignKeys) {
      const parent = `${fk.referencedSchema}.${fk.referencedTable}`;
      if (!targets.has(parent) && !m.createTarget) {
        warnings.push({
          kind: 'foreign_key',
          table,
          column: fk.columns.join(', '),
          message: `references ${parent}, which this migration does not load: its rows must already be there`,
          fix: `map a source table to ${parent}, or make sure it is filled first`,
        });
      }
    }
    const unmappedTarget = m.target.columns.filter((tc) => !m.columns.some((c) => c.target.name === tc.name));
    for (const tc of unmappedTarget) {
      warnings.push({
        kind: 'schema_mismatch',
        table,
        column: tc.name,
        message: `target column ${tc.name} is not mapped and will get ${tc.defaultValue !== null ? `its default (${tc.defaultValue})` : 'NULL'}`,
        fix: 'map a source column or expression to it if it should carry data',
      });
    }
  }
  return warnings;
}
