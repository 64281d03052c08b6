// The incremental mappings' part of a run (spec `sync`): their windows when a run is planned, and in
// the validate stage the deletes, the counts and the cursors saved.
import type { Connection } from '../connectors/connection.ts';
import type { MigrationPlan, PlannedMapping } from '../plan/plan-types.ts';
import { addSourceColumns } from './add-source-columns.ts';
import { deleteGoneKeys } from './compare-keys.ts';
import { compareCursor } from './cursor-values.ts';
import type { RunSession } from './run-session.ts';
import type { SyncSummary } from './run-summary.ts';
import { schemaDrift, sourceColumns } from './schema-drift.ts';
import type { SessionOptions } from './session-options.ts';
import { reachedCursors, syncSummary } from './sync-outcome.ts';
import { cursorKey, openSyncWindows } from './sync-window.ts';

/** A new run's plan with the cursor window of each incremental mapping fixed (sync-window.ts). */
export async function withSyncWindows(
  plan: MigrationPlan,
  options: SessionOptions,
  source: Connection,
  target: Connection,
) {
  if (!plan.mappings.some((m) => m.sync)) return plan;
  const saved = await options.state.savedCursors(options.runId, options.spec.name);
  // A backfill re-reads old rows; what changed since the live cursor is for the scheduled runs to say.
  if (options.syncRange) return openSyncWindows(plan, source, saved, options.syncRange);
  const drift = schemaDrift(plan, saved, options.lineOf ?? (() => 'spec'));
  const added = await addSourceColumns(plan, saved, target);
  // A mapping whose target gained a column reloads in full: as if it had no cursor yet.
  const from = Object.fromEntries(Object.entries(saved).filter(([key]) => !added.reload.has(key)));
  const windowed = await openSyncWindows(added.plan, source, from);
  const warnings = [...windowed.warnings, ...drift, ...added.warnings];
  return { ...windowed, warnings };
}

/** Incremental mappings with `deletes: { compareKeys: true }`: target rows gone from the source go. */
export async function deleteGoneRows(session: RunSession): Promise<void> {
  const { state } = session.options;
  for (const m of session.plan.mappings) {
    if (!m.sync?.compareKeys) continue;
    // Once per run: a repeated stage would find nothing more, and must not count zero.
    if ((await state.notes(session.runId)).syncDeleted[m.id] !== undefined) continue;
    const filter = session.plan.spec.mappings[m.index]?.where;
    const deleted = await deleteGoneKeys(m, filter, session.source, session.target, session.signal);
    const earlier = (await state.notes(session.runId)).syncDeleted;
    await state.saveNotes(session.runId, { syncDeleted: { ...earlier, [m.id]: deleted } });
    session.log.info(
      `${deleted} row(s) deleted from ${m.target.schema}.${m.target.name}: gone from the source`,
      {
        mappingId: m.id,
      },
    );
  }
}

/**
 * Incremental mappings, once the rows are checked: counts and checksum for the report, then the
 * cursors move to the top of each window, so the next run reads from there. Saving again after a
 * crash saves the same values.
 */
export async function finishSync(session: RunSession): Promise<void> {
  const mappings = session.plan.mappings.filter((m) => m.sync?.window);
  if (mappings.length === 0) return;
  const { state } = session.options;
  const [record, tasks, checkpoints, notes] = await Promise.all([
    session.record(),
    state.tasks(session.runId),
    session.checkpoints(),
    state.notes(session.runId),
  ]);
  const sync: SyncSummary[] = [];
  for (const m of mappings) {
    const table = `${m.target.schema}.${m.target.name}`;
    const counts = {
      targetBefore: record.targetBefore[table] ?? 0,
      targetAfter: await session.target.reader.count(m.target),
      deleted: notes.syncDeleted[m.id] ?? 0,
      softDeleted: await softDeleted(session, m),
    };
    sync.push(syncSummary(m, tasks, checkpoints, counts, true));
  }
  await state.saveNotes(session.runId, { sync });
  // Under `continue`, rejected rows fail the run after this stage: their cursor must not move past them.
  const rejected = await session.rejectedByMapping();
  const kept =
    session.settings.errorPolicy === 'continue' ? mappings.filter((m) => rejected[m.id] === 0) : mappings;
  // Runs of one project that overlap (maxActiveRuns above 1) may end out of order: a cursor only
  // moves forward, never back to an older run's window.
  const now = await state.savedCursors(session.runId, session.plan.spec.name);
  const moving = kept.filter((m) => {
    const saved = now[cursorKey(m)]?.value;
    const upper = m.sync?.window?.upper;
    return (
      saved === undefined ||
      upper === undefined ||
      upper === null ||
      compareCursor(upper, saved, m.sync!.cursorType) >= 0
    );
  });
  const columns = Object.fromEntries(moving.map((m) => [cursorKey(m), sourceColumns(m)]));
  await state.saveCursors(session.runId, session.plan.spec.name, reachedCursors(moving, cursorKey), columns);
}

/** Rows of the window read with the soft-delete column set; null without one. */
async function softDeleted(session: RunSession, m: PlannedMapping): Promise<number | null> {
  const name = m.sync?.softDeleteColumn;
  if (!name) return null;
  const column = m.source.columns.find((c) => c.name === name);
  const quoted = session.source.dialect.quoteIdentifier(name);
  const set = column?.type === 'boolean' ? `${quoted} = TRUE` : `${quoted} IS NOT NULL`;
  return session.source.reader.count(m.source, m.where ? `(${m.where}) AND ${set}` : set);
}
