import { isTransientFailure } from '../connectors/classify-error.ts';
import type { Connection } from '../connectors/connection.ts';
import { messageOf } from '../errors.ts';
import type { PlanWarning } from '../plan/plan-types.ts';
import type { DdlStatement } from '../plan/schema-ddl.ts';
import { PARALLEL_PHASES } from '../plan/schema-ddl-types.ts';
import type { RunLog } from './run-log.ts';

/** A repeated stage (a resume, a retried job) finds what it built the first time. */
const ALREADY_THERE = /already exists|already an identity column|duplicate key name|multiple default values/i;

/**
 * Builds what the created tables get once their rows are in (schema-ddl.ts, foreign keys excepted:
 * run-session adds those): indexes and unique constraints side by side, up to `parallelism` at once,
 * each on its own pooled connection, then identities, sequences, defaults, triggers and comments.
 * Building after the load is faster than maintaining each index row by row. Under `fail_fast` a
 * statement the target refuses fails the run; otherwise it comes back as a warning for the report.
 */
export async function buildAfterLoad(
  target: Connection,
  statements: readonly DdlStatement[],
  options: { parallelism: number; strict: boolean; log: RunLog },
): Promise<PlanWarning[]> {
  const warnings: PlanWarning[] = [];
  const run = async (statement: DdlStatement) => {
    const started = performance.now();
    try {
      await target.query(statement.sql);
      options.log.info(`${statement.phase} built on ${statement.table}`, {
        ms: Math.round(performance.now() - started),
      });
    } catch (error) {
      if (ALREADY_THERE.test(messageOf(error))) return;
      // A lost connection is no verdict on the statement: fail, so that a retry or a resume builds it.
      if ((options.strict && !statement.optional) || isTransientFailure(error)) throw error;
      warnings.push({
        kind: 'schema_object',
        table: statement.table,
        message: `a ${statement.phase.replace('_', ' ')} was not created: ${messageOf(error)}`,
        fix: `run it by hand once the cause is fixed: ${statement.sql.split('\n')[0]}`,
      });
      options.log.warning(`${statement.phase} on ${statement.table} not created`, {
        error: messageOf(error),
      });
    }
  };
  const own = statements.filter((s) => s.phase !== 'foreign_key');
  const parallel = own.filter((s) => PARALLEL_PHASES.has(s.phase));
  let next = 0;
  const worker = async () => {
    while (next < parallel.length) await run(parallel[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, options.parallelism) }, worker));
  for (const statement of own.filter((s) => !PARALLEL_PHASES.has(s.phase))) await run(statement);
  return warnings;
}
