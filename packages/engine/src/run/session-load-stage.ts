import { failedWith, isTransientFailure } from '../connectors/classify-error.ts';
import { messageOf } from '../errors.ts';
import type { StageId } from '../plan/plan-types.ts';
import { buildAfterLoad } from './build-after-load.ts';
import { restoreForeignKeys } from './deferred-foreign-keys.ts';
import { fillDeferredColumns } from './fill-deferred.ts';
import { levelsMayOverlap } from './overlap-levels.ts';
import { rejectOrphans } from './reject-orphans.ts';
import type { RunSession } from './run-session.ts';

export type LoadStageId = 'load_dimensions' | 'load_facts';

/**
 * After a load stage's last task: fills the columns deferred to break foreign-key cycles, and once
 * every table is in, adds the foreign keys of created tables (checked once, not row by row). Keys
 * dropped from existing tables for the load come back in the validate stage, checked while the
 * counts and checksums run.
 */
export async function finishLoadStage(session: RunSession, stageId: LoadStageId): Promise<void> {
  const { plan, settings } = session;
  const mappings = plan.mappings.filter((m) => m.stage === stageId);
  for (const m of mappings) {
    await fillDeferredColumns(m, session.source, session.target, {
      batchSize: settings.batchSize,
      signal: session.signal,
    });
  }
  const lastLoadStage = plan.mappings.some((m) => m.stage === 'load_facts')
    ? 'load_facts'
    : 'load_dimensions';
  if (stageId !== lastLoadStage) return;
  if (settings.errorPolicy !== 'fail_fast') await rejectOrphanRows(session);
  await buildCreatedSchema(session);
  await addCreatedForeignKeys(session);
}

/**
 * Adds back the foreign keys dropped for the load, each checked in one pass. Also called when a run
 * ends otherwise (failed, cancelled), so that a target is never left without its constraints; then
 * constraints already found broken are left as they are.
 */
export async function restoreDeferredForeignKeys(
  session: RunSession,
  options: { strict: boolean; skipUnchecked?: boolean },
): Promise<void> {
  // The keys' states carry what went wrong; the report words it from the state at its time.
  await restoreForeignKeys(session.target, session.options.state, session.runId, session.log, {
    ...options,
    parallelism: session.settings.parallelism,
  });
}

/** Whether all load levels may load at once: no foreign key among them is checked while loading. */
export async function loadLevelsMayOverlap(session: RunSession): Promise<boolean> {
  const notes = await session.options.state.notes(session.runId);
  return levelsMayOverlap(session.plan.mappings, notes.deferredForeignKeys);
}

/** Which stages have work: a load stage with no mapping in it is skipped. */
export function stageHasWork(session: RunSession, stageId: StageId): boolean {
  if (stageId !== 'load_dimensions' && stageId !== 'load_facts') return true;
  return session.plan.mappings.some((m) => m.stage === stageId);
}

/** Children of rejected parent rows in the created tables, rejected in turn (reject-orphans.ts). */
async function rejectOrphanRows(session: RunSession): Promise<void> {
  const { runId } = session;
  const found = await rejectOrphans(session.target, session.plan.mappings);
  const { state } = session.options;
  if (found.rows.length > 0) {
    session.rejects.record(found.rows);
    for (const [id, n] of Object.entries(found.counts)) {
      const rows = found.rows.filter((r) => r.mappingId === id);
      await state.addRejectedSamples(runId, id, rows);
      session.log.warning(`${n} row(s) rejected in ${rows[0]!.table}: their parent row was rejected`, {
        mappingId: id,
        first: rows[0]!.reason,
      });
    }
    // Added to what an earlier pass (before a resume) took out: those rows are gone already.
    const earlier = (await state.notes(runId)).orphansRejected;
    const total = { ...earlier };
    for (const [id, n] of Object.entries(found.counts)) total[id] = (total[id] ?? 0) + n;
    await state.saveNotes(runId, { orphansRejected: total });
  }
  if (found.skipped.length > 0) {
    const warnings = [...(await state.notes(runId)).warnings];
    for (const fk of found.skipped)
      warnings.push({
        kind: 'foreign_key',
        table: fk.split(' ')[0]!,
        message: `rows of ${fk} whose parent row was rejected could not be looked for (MySQL cannot for a self-reference)`,
        fix: 'delete them by hand (see the rejects files for the parents), then add the constraint',
      });
    await state.saveNotes(runId, { warnings });
  }
}

/** Indexes, identities, defaults, triggers and comments of the created tables (build-after-load.ts). */
async function buildCreatedSchema(session: RunSession): Promise<void> {
  const { state } = session.options;
  const warnings = await buildAfterLoad(session.target, session.schemaDdl().afterLoad, {
    parallelism: session.settings.parallelism,
    strict: session.settings.errorPolicy === 'fail_fast',
    log: session.log,
  });
  if (warnings.length === 0) return;
  const earlier = (await state.notes(session.runId)).warnings;
  await state.saveNotes(session.runId, { warnings: [...earlier, ...warnings] });
}

async function addCreatedForeignKeys(session: RunSession): Promise<void> {
  const { target, settings, log } = session;
  const { state } = session.options;
  const done = new Set<string>();
  const warnings = [...(await state.notes(session.runId)).warnings];
  for (const m of session.plan.mappings) {
    const key = `${m.target.schema}.${m.target.name}`;
    if (!m.createTarget || done.has(key)) continue;
    done.add(key);
    for (const sql of target.dialect.addForeignKeys(m.target, m.target)) {
      try {
        await target.query(sql);
      } catch (error) {
        // A repeated stage finds its constraint there already.
        if (failedWith(error, 'already_exists')) continue;
        // A lost connection is no verdict on the rows: fail, so that a retry or a resume adds it.
        if (isTransientFailure(error)) throw error;
        // Under fail_fast no row was rejected, so a refusal is real. Otherwise a rejected parent
        // row may leave children without it: the rows stay loaded, the constraint is reported.
        if (settings.errorPolicy === 'fail_fast') throw error;
        warnings.push({
          kind: 'foreign_key',
          table: key,
          message: `a foreign key was not created: ${messageOf(error)}`,
          fix: 'fix or reload the rejected parent rows (see the rejects files), then add the constraint',
        });
        log.warning(`foreign key on ${key} not created`, { error: messageOf(error) });
      }
    }
  }
  await state.saveNotes(session.runId, { warnings });
}
