import type { Connection } from '../connectors/connection.ts';
import { DataBridgeError, messageOf } from '../errors.ts';
import { readLayout } from '../run/read-layout.ts';
import type { MigrationPlan } from './plan-types.ts';

/**
 * Runs each mapping's read query on the source for one row, so that a custom expression or filter the
 * source database rejects is a plan error (bad input, exit 2) naming the mapping, not a failed run.
 */
export async function checkSourceQueries(plan: MigrationPlan, source: Connection): Promise<void> {
  for (const m of plan.mappings) {
    const { select } = readLayout(m);
    try {
      await source.reader.fetch({
        table: m.source,
        select,
        ...(m.where ? { where: m.where } : {}),
        limit: 1,
      });
    } catch (error) {
      throw new DataBridgeError(
        'bad_spec',
        `mappings[${m.index}] (${m.source.name} -> ${m.target.name}): the source rejects its expressions or filter: ${messageOf(error)}`,
        { cause: error, where: `mappings[${m.index}]` },
      );
    }
  }
}
