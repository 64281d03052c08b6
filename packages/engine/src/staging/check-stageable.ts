import { DataBridgeError } from '../errors.ts';
import type { MigrationPlan } from '../plan/plan-types.ts';
import { readLayout } from '../run/read-layout.ts';
import { dedupeColumns } from './cleanse-dedupe.ts';

/**
 * What a staged run cannot do yet, refused before any row moves: incremental mappings (their windows
 * and deletes read the source at load time) and columns deferred to break a foreign-key cycle
 * (filled from the source after the load). A `dedupe` whose key or `by` column the staged rows would
 * not hold is refused here too.
 */
export function checkStageable(plan: MigrationPlan): void {
  for (const m of plan.mappings) {
    const dedupe = plan.spec.mappings[m.index]?.dedupe;
    if (dedupe) dedupeColumns({ mapping: m, layout: readLayout(m) }, dedupe);
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
