import { DataBridgeError } from '../errors.ts';
import type { MigrationPlan } from '../plan/plan-types.ts';

/**
 * `dedupe` and `checks` run in the staging database's cleanse stage: a direct run, which has none,
 * refuses them before any row moves rather than load the rows they would have taken out.
 */
export function checkDirect(plan: MigrationPlan): void {
  plan.spec.mappings.forEach((m, i) => {
    const what = m.dedupe ? 'dedupe' : m.checks && m.checks.length > 0 ? 'checks' : undefined;
    if (!what) return;
    throw new DataBridgeError(
      'bad_spec',
      `${m.source} -> ${m.target} has ${what}, which runs in the staging database before the load: set pipeline.staging to "database" (with STAGING_DATABASE_URL or --staging), or remove ${what}`,
      { where: `mappings[${i}].${what}` },
    );
  });
}
