/**
 * A RunSession's validate stage: post hooks, counts, checksums and rules against the source.
 */
import { DataBridgeError } from '../errors.ts';
import { foreignKeyProblems } from './check-foreign-keys.ts';
import { RowChecksum, type ServerSumState } from './checksum.ts';
import { decodePosition, type Position } from './key-codec.ts';
import type { RunSession } from './run-session.ts';
import { runHookPhase } from './run-session-hooks.ts';
import { deleteGoneRows, finishSync } from './sync-stage.ts';
import { validateTables } from './validate.ts';
import { checkRules } from './validation-rules.ts';

interface CommittedTask {
  readonly mappingId: string;
  readonly done: boolean;
  readonly position: Position | undefined;
}

/**
 * The validate stage: post hooks, then counts and checksums against the source, then the custom
 * rules. What differs fails the run with every difference named.
 */
export async function validateRun(session: RunSession): Promise<void> {
  await runHookPhase(session, 'post');
  await deleteGoneRows(session);
  await checkRows(session);
  await finishSync(session);
}

/** Counts, checksums and rules; what differs fails the run with every difference named. */
async function checkRows(session: RunSession): Promise<void> {
  const notes = await session.options.state.notes(session.runId);
  const keys = await foreignKeyProblems(
    session.target,
    session.plan.mappings,
    notes.deferredForeignKeys,
    notes.warnings,
  );
  const settings = session.settings.validation;
  if (!settings.rowCount && !settings.checksum && session.settings.rules.length === 0) {
    if (keys.length > 0)
      throw new DataBridgeError('validation_failed', `validation failed: ${keys.join('; ')}`);
    return;
  }
  const record = await session.record();
  const committed = await committedTasks(session);
  const validation = await validateTables(session.plan.mappings, await session.loadSource(), session.target, {
    ...settings,
    rejected: await rejectedByMapping(session, committed),
    targetBefore: record.targetBefore,
    sourceSums: sourceSumsFromLoad(session, committed),
    concurrency: session.settings.parallelism,
    signal: session.signal,
  });
  const rules = await checkRules(session.settings.rules, { source: session.source, target: session.target });
  await session.options.state.saveNotes(session.runId, { validation, rules });
  const problems = [
    ...validation.flatMap((v) => v.problems.map((p) => `${v.table}: ${p}`)),
    ...rules.filter((r) => !r.ok).map((r) => `rule "${r.name}" ${r.message}`),
    ...keys,
  ];
  if (problems.length > 0)
    throw new DataBridgeError('validation_failed', `validation failed: ${problems.join('; ')}`);
}

/** Every task of the run with the position of its committed checkpoint, if it has one. */
async function committedTasks(session: RunSession): Promise<CommittedTask[]> {
  const [tasks, checkpoints] = await Promise.all([
    session.options.state.tasks(session.runId),
    session.checkpoints(),
  ]);
  return tasks.map((t) => {
    const c = checkpoints.get(t.id);
    return { mappingId: t.mappingId, done: c?.done ?? false, position: c && decodePosition(c.position) };
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

/** Rows rejected so far by mapping, as the committed checkpoints record them. */
export async function rejectedByMapping(
  session: RunSession,
  committed?: readonly CommittedTask[],
): Promise<Record<string, number>> {
  const rejected: Record<string, number> = {};
  for (const m of session.plan.mappings) rejected[m.id] = 0;
  for (const t of committed ?? (await committedTasks(session)))
    if (t.position) rejected[t.mappingId]! += t.position.rejected;
  // Children taken out after the load because their parent row was rejected (reject-orphans.ts).
  const orphans = (await session.options.state.notes(session.runId)).orphansRejected;
  for (const [id, n] of Object.entries(orphans)) if (id in rejected) rejected[id]! += n;
  return rejected;
}
