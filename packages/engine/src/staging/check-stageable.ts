import { DataBridgeError } from '../errors.ts';
import type { MigrationPlan } from '../plan/plan-types.ts';

/**
 * What a staged run cannot do yet, refused before any row moves: incremental mappings (their windows
 * and deletes read the source at load time) and columns deferred to break a foreign-key cycle
 * (filled from the source after the load).
 */
export function checkStageable(plan: MigrationPlan): void {
  for (const m of plan.mappings) {
    const what = m.sync
      ? 'an incremental sync'
      : m.columns.some((c) => c.deferred)
        ? 'a column deferred by a foreign-key cycle'
        : undefined;
    if (what) {
      throw new DataBridgeError(
        'bad_spec',
        `${m.source.name} -> ${m.target.name} has ${what}, which a staged run cannot load yet: set pipeline.staging to "direct" for this spec`,
        { where: 'pipeline.staging' },
      );
    }
  }
}
