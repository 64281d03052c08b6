import type { Connection } from '../connectors/connection.ts';
import { messageOf } from '../errors.ts';
import type { RunLog } from './run-log.ts';

/** The table every target keeps its checkpoints in, in its default schema (see <db>-checkpoints.ts). */
const CHECKPOINT_TABLE = '_databridge_checkpoints';

/**
 * Leaves nothing of DataBridge in the target once a run has completed (validated and reported): its
 * checkpoint rows go, and the checkpoint table with them when no other run keeps rows there (a
 * paused or failed run still needs its own to resume). Only ever called for a completed run, which
 * cannot be resumed. A failure here is a warning in the log: the data is in place either way.
 */
export async function dropRunState(target: Connection, runId: string, log: RunLog): Promise<void> {
  const { dialect } = target;
  const table = dialect.qualify({ schema: dialect.defaultSchema, name: CHECKPOINT_TABLE });
  try {
    await target.query(`DELETE FROM ${table} WHERE run_id = ${dialect.placeholder(1)}`, [runId]);
    const [left] = await target.query(`SELECT count(*) AS n FROM ${table}`);
    if (Number(left?.n ?? 0) > 0) {
      log.info(`checkpoints of other runs are still in ${table}: it stays for them`);
      return;
    }
    await target.query(`DROP TABLE ${table}`);
    log.info(`${table} dropped: the run completed and the target holds only what it migrated`);
  } catch (error) {
    log.warning(`the checkpoints of this run could not be removed from ${table}`, {
      error: messageOf(error),
    });
  }
}
