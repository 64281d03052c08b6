import type { Connection } from '../connectors/connection.ts';
import { messageOf } from '../errors.ts';
import { dropRunState } from '../run/drop-run-state.ts';
import type { RunLog } from '../run/run-log.ts';
import type { RunOutcome } from '../run/run-summary.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import type { Value } from '../values.ts';
import { recordDropped, recordEnded, recordRunning, type StagingSql } from './staging-ledger.ts';

/**
 * Records in the staging database's ledger that the run is running in `schema`, with its project and
 * `keepStaging`. Throws `staging_gone` for a run whose staged rows were dropped (a late retry).
 */
export async function recordStagedRunning(
  staging: Connection,
  spec: MigrationSpec,
  runId: string,
  schema: string,
): Promise<void> {
  const keep = spec.pipeline.keepStaging;
  await recordRunning(sqlOf(staging), { runId, schema, project: spec.name, ...(keep ? { keep } : {}) });
}

/**
 * After a run's report: a completed run without `keepStaging` drops its schema and its staging
 * checkpoints at once (nothing can resume it); any other run keeps them and the ledger says how it
 * ended, for the retention (the scheduler's tick, `databridge staging prune`). A staging database that
 * does not answer here is a warning: the run's outcome stands, and the retention tries again later.
 */
export async function settleStaging(
  staged: { readonly connection: Connection; readonly schema: string },
  spec: MigrationSpec,
  runId: string,
  outcome: RunOutcome,
  log: RunLog,
): Promise<void> {
  const { connection, schema } = staged;
  const sql = sqlOf(connection);
  try {
    if (outcome === 'completed' && !spec.pipeline.keepStaging) {
      await connection.query(`DROP SCHEMA IF EXISTS ${connection.dialect.quoteIdentifier(schema)} CASCADE`);
      await dropRunState(connection, runId, log);
      await recordDropped(sql, schema, 'the run completed', runId);
      log.info(`staging schema ${schema} dropped: the run completed`);
      return;
    }
    await recordEnded(sql, schema, outcome);
    const keep = spec.pipeline.keepStaging;
    const kept =
      outcome !== 'completed'
        ? 'for a retry'
        : keep && 'hours' in keep
          ? `for ${keep.hours} hour(s) (keepStaging)`
          : `while it is among the project's last ${keep && 'runs' in keep ? keep.runs : 0} completed runs (keepStaging)`;
    log.info(`staging schema ${schema} kept ${kept}`);
  } catch (error) {
    log.warning(`the staging schema ${schema} could not be settled; the retention will see to it`, {
      error: messageOf(error),
    });
  }
}

function sqlOf(connection: Connection): StagingSql {
  return (text, params) => connection.query(text, params as readonly Value[] | undefined);
}
