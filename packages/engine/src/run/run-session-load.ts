/**
 * A RunSession's load stages: one task from its checkpoint, and after a stage's last task the deferred
 * columns, the orphans of rejected parents, the created tables' indexes and foreign keys.
 */
import { failedWith, isTransientFailure } from '../connectors/classify-error.ts';
import { messageOf } from '../errors.ts';
import { buildAfterLoad } from './build-after-load.ts';
import { fillDeferredColumns } from './fill-deferred.ts';
import { canPassThrough, isRowLevelFailure, runPassThroughTask } from './pass-through-task.ts';
import { rejectOrphans } from './reject-orphans.ts';
import { identity } from './row-transform.ts';
import type { RunSession, TaskHandlers } from './run-session.ts';
import type { TaskRecord } from './run-state.ts';
import { runTask, type TaskContext, type TaskResult } from './run-task.ts';
import { sumWhileLoading } from './validate.ts';

/**
 * Loads one task from its last checkpoint: bytes straight through where source and target allow
 * it, else row by row. Rejected rows go to the rejects file and the run state's samples.
 */
export async function loadTask(
  session: RunSession,
  task: TaskRecord,
  handlers: TaskHandlers,
): Promise<TaskResult> {
  const mapping = session.mapping(task.mappingId);
  const { layout, transform } = session.transforms().get(mapping.id)!;
  const samples: Promise<void>[] = [];
  const source = await session.loadSource();
  const sourceSum = sumWhileLoading(
    mapping,
    source,
    session.target,
    session.settings.validation.checksum,
    layout.valueIndex,
  );
  const context: TaskContext = {
    runId: session.runId,
    task,
    mapping,
    layout,
    transform,
    source,
    target: session.target,
    batchSize: session.settings.batchSize,
    policy: session.settings.errorPolicy,
    checkpoint: (await session.checkpoints()).get(task.id),
    ...(sourceSum ? { sourceSum } : {}),
    signal: session.signal,
    onBatch: (b) => {
      session.log.debug(`page of ${b.rowsRead} rows into ${mapping.target.name}`, {
        taskId: task.id,
        written: b.rowsWritten,
        readMs: Math.round(b.readMs),
        writeMs: Math.round(b.writeMs),
      });
      handlers.onBatch(b);
    },
    onRejected: (rows, stopped) => {
      if (rows.length === 0) return;
      session.rejects.record(rows);
      samples.push(session.options.state.addRejectedSamples(session.runId, mapping.id, rows));
      session.log.warning(
        `${rows.length} row(s) rejected in ${mapping.target.schema}.${mapping.target.name}`,
        {
          mappingId: mapping.id,
          first: rows[0]!.reason,
        },
      );
      handlers.onRejected(rows, stopped);
    },
  };
  const passThrough = transform === identity && canPassThrough(mapping, source, session.target);
  try {
    if (!passThrough) return await runTask(context);
    try {
      return await runPassThroughTask(context);
    } catch (error) {
      if (!isRowLevelFailure(error)) throw error;
      // The database refused a row of a byte batch: go on from the last checkpoint on the parsed
      // path, which finds the row and applies the error policy to it.
      return await runTask({ ...context, checkpoint: (await session.checkpoints()).get(task.id) });
    }
  } finally {
    await Promise.all(samples);
  }
}

/**
 * After a load stage's last task: fills the columns deferred to break foreign-key cycles, and once
 * every table is in, adds the foreign keys of created tables (checked once, not row by row).
 */
export async function finishLoadStage(
  session: RunSession,
  stageId: 'load_dimensions' | 'load_facts',
): Promise<void> {
  const mappings = session.plan.mappings.filter((m) => m.stage === stageId);
  for (const m of mappings) {
    await fillDeferredColumns(m, session.source, session.target, {
      batchSize: session.settings.batchSize,
      signal: session.signal,
    });
  }
  const lastLoadStage = session.plan.mappings.some((m) => m.stage === 'load_facts')
    ? 'load_facts'
    : 'load_dimensions';
  if (stageId !== lastLoadStage) return;
  if (session.settings.errorPolicy !== 'fail_fast') await rejectOrphanRows(session);
  await buildCreatedSchema(session);
  await addCreatedForeignKeys(session);
  await session.restoreDeferredForeignKeys({ strict: session.settings.errorPolicy === 'fail_fast' });
}

/** Children of rejected parent rows in the created tables, rejected in turn (reject-orphans.ts). */
async function rejectOrphanRows(session: RunSession): Promise<void> {
  const found = await rejectOrphans(session.target, session.plan.mappings);
  const { state } = session.options;
  if (found.rows.length > 0) {
    session.rejects.record(found.rows);
    for (const [id, n] of Object.entries(found.counts)) {
      const rows = found.rows.filter((r) => r.mappingId === id);
      await state.addRejectedSamples(session.runId, id, rows);
      session.log.warning(`${n} row(s) rejected in ${rows[0]!.table}: their parent row was rejected`, {
        mappingId: id,
        first: rows[0]!.reason,
      });
    }
    // Added to what an earlier pass (before a resume) took out: those rows are gone already.
    const earlier = (await state.notes(session.runId)).orphansRejected;
    const total = { ...earlier };
    for (const [id, n] of Object.entries(found.counts)) total[id] = (total[id] ?? 0) + n;
    await state.saveNotes(session.runId, { orphansRejected: total });
  }
  if (found.skipped.length > 0) {
    const warnings = [...(await state.notes(session.runId)).warnings];
    for (const fk of found.skipped)
      warnings.push({
        kind: 'foreign_key',
        table: fk.split(' ')[0]!,
        message: `rows of ${fk} whose parent row was rejected could not be looked for (MySQL cannot for a self-reference)`,
        fix: 'delete them by hand (see the rejects files for the parents), then add the constraint',
      });
    await state.saveNotes(session.runId, { warnings });
  }
}

/** Indexes, identities, defaults, triggers and comments of the created tables (build-after-load.ts). */
async function buildCreatedSchema(session: RunSession): Promise<void> {
  const warnings = await buildAfterLoad(session.target, session.schemaDdl().afterLoad, {
    parallelism: session.settings.parallelism,
    strict: session.settings.errorPolicy === 'fail_fast',
    log: session.log,
  });
  if (warnings.length === 0) return;
  const earlier = (await session.options.state.notes(session.runId)).warnings;
  await session.options.state.saveNotes(session.runId, { warnings: [...earlier, ...warnings] });
}

async function addCreatedForeignKeys(session: RunSession): Promise<void> {
  const done = new Set<string>();
  const warnings = [...(await session.options.state.notes(session.runId)).warnings];
  for (const m of session.plan.mappings) {
    const key = `${m.target.schema}.${m.target.name}`;
    if (!m.createTarget || done.has(key)) continue;
    done.add(key);
    for (const sql of session.target.dialect.addForeignKeys(m.target, m.target)) {
      try {
        await session.target.query(sql);
      } catch (error) {
        // A repeated stage finds its constraint there already.
        if (failedWith(error, 'already_exists')) continue;
        // A lost connection is no verdict on the rows: fail, so that a retry or a resume adds it.
        if (isTransientFailure(error)) throw error;
        // Under fail_fast no row was rejected, so a refusal is real. Otherwise a rejected parent
        // row may leave children without it: the rows stay loaded, the constraint is reported.
        if (session.settings.errorPolicy === 'fail_fast') throw error;
        warnings.push({
          kind: 'foreign_key',
          table: key,
          message: `a foreign key was not created: ${messageOf(error)}`,
          fix: 'fix or reload the rejected parent rows (see the rejects files), then add the constraint',
        });
        session.log.warning(`foreign key on ${key} not created`, { error: messageOf(error) });
      }
    }
  }
  await session.options.state.saveNotes(session.runId, { warnings });
}
