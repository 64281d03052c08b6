import { DataBridgeError } from '../errors.ts';
import { qualifiedName } from '../schema/model.ts';
import { foreignKeyProblems } from './check-foreign-keys.ts';
import { RowChecksum, type ServerSumState } from './checksum.ts';
import type { RunSession } from './run-session.ts';
import { restoreDeferredForeignKeys } from './session-load-stage.ts';
import { runHookPhase } from './session-policy.ts';
import { type CommittedTask, committedTasks, rejectedByMapping } from './session-rejected.ts';
import { deleteGoneRows, finishSync } from './sync-stage.ts';
import { type TableValidation, type ValidateOptions, validateTables } from './validate.ts';
import { checkRules } from './validation-rules.ts';

/**
 * The validate stage: post hooks, then counts and checksums against the source, then the custom
 * rules. What differs fails the run with every difference named.
 */
export async function validateStage(session: RunSession): Promise<void> {
  const { settings } = session;
  const restore = () => restoreDeferredForeignKeys(session, { strict: settings.errorPolicy === 'fail_fast' });
  // Post hooks and an incremental run's deletes see the target with its keys back, as after any
  // load. Without them, the keys come back and scan their tables while the counts and checksums
  // read the same tables (reads and a key check do not block each other): one wait, not two.
  const keysFirst = settings.hooks.post.length > 0 || session.plan.mappings.some((m) => m.sync);
  if (keysFirst) await restore();
  await runHookPhase(session, 'post');
  await deleteGoneRows(session);
  await checkRows(session, keysFirst ? Promise.resolve() : restore());
  await finishSync(session);
}

/**
 * Counts, checksums and rules, and the foreign keys once `keysBack` has added them back; what
 * differs fails the run with every difference named.
 */
async function checkRows(session: RunSession, keysBack: Promise<void>): Promise<void> {
  const { settings } = session;
  const { state } = session.options;
  const checked = settings.validation.rowCount || settings.validation.checksum || settings.rules.length > 0;
  const [keysDone, counted] = await Promise.allSettled([
    keysBack,
    checked ? countAndSum(session) : Promise.resolve(undefined),
  ]);
  if (keysDone.status === 'rejected') throw keysDone.reason;
  if (counted.status === 'rejected') throw counted.reason;
  const notes = await state.notes(session.runId);
  const keys = await foreignKeyProblems(
    session.target,
    session.plan.mappings,
    notes.deferredForeignKeys,
    notes.warnings,
  );
  const { validation = [], rules = [] } = counted.value ?? {};
  if (counted.value) await state.saveNotes(session.runId, { validation, rules });
  const problems = [
    ...validation.flatMap((v) => v.problems.map((p) => `${v.table}: ${p}`)),
    ...rules.filter((r) => !r.ok).map((r) => `rule "${r.name}" ${r.message}`),
    ...keys,
  ];
  if (problems.length > 0)
    throw new DataBridgeError('validation_failed', `validation failed: ${problems.join('; ')}`);
}

/** Each target table against its sources (counts, checksums), and the custom rules. */
async function countAndSum(session: RunSession) {
  const { settings } = session;
  const validation = await validateTables(session.plan.mappings, await session.loadSource(), session.target, {
    ...(await validateOptions(session)),
    early: session.earlyValidations,
  });
  const rules = await checkRules(settings.rules, { source: session.source, target: session.target });
  return { validation, rules };
}

async function validateOptions(session: RunSession): Promise<ValidateOptions> {
  const { settings } = session;
  const record = await session.record();
  const committed = await committedTasks(session);
  return {
    ...settings.validation,
    rejected: await rejectedByMapping(session, committed),
    targetBefore: record.targetBefore,
    sourceSums: sourceSumsFromLoad(session, committed),
    concurrency: settings.parallelism,
    signal: session.signal,
  };
}

/**
 * Counts and checksums one target table as soon as its last task has committed, while other tables
 * still load, when nothing after the load can change its rows: no post hook, no incremental mapping
 * (whose deletes come after), no column filled after the load, no orphan taken out of a created table
 * (fail_fast rejects none), not staged. The validate stage then takes the result instead of reading
 * the table at the end, beside the foreign-key checks (on the benchmark, customers' checksum ran
 * while orders loaded). Undefined when the table must wait for the validate stage.
 */
export function validateTableEarly(session: RunSession, table: string): Promise<TableValidation> | undefined {
  const { settings, plan } = session;
  const group = plan.mappings.filter((m) => qualifiedName(m.target) === table);
  const orphansPossible = settings.errorPolicy !== 'fail_fast' && group.some((m) => m.createTarget);
  if (
    group.length === 0 ||
    !(settings.validation.rowCount || settings.validation.checksum) ||
    settings.hooks.post.length > 0 ||
    plan.mappings.some((m) => m.sync) ||
    group.some((m) => m.columns.some((c) => c.deferred)) ||
    orphansPossible ||
    session.staged
  )
    return undefined;
  return validateOptions(session).then(async (options) => {
    const [result] = await validateTables(group, session.source, session.target, options);
    session.log.info(`${table} validated as soon as its load ended`, {
      rows: result!.targetRows,
    });
    return result!;
  });
}

/**
 * The source checksums the load tasks computed while reading, by mapping: only for mappings whose
 * every task finished with a sum in its checkpoint (a task resumed from a byte pass-through has none).
 */
function sourceSumsFromLoad(
  session: RunSession,
  committed: readonly CommittedTask[],
): Record<string, { rows: number; digest: string }> {
  const sums: Record<string, { rows: number; digest: string }> = {};
  for (const m of session.plan.mappings) {
    const own = committed.filter((t) => t.mappingId === m.id);
    const states = own.map((t) => (t.done ? t.position?.sum : undefined));
    if (states.length === 0 || states.some((s) => s === undefined)) continue;
    sums[m.id] = RowChecksum.combine(states as ServerSumState[]);
    session.log.info(
      `source checksum of ${m.target.schema}.${m.target.name} from the rows read during the load`,
      { tasks: states.length },
    );
  }
  return sums;
}
