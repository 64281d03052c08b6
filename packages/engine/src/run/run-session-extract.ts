/**
 * The extract stage of a RunSession: pre hooks, source counts, missing target tables, the run's tasks
 * and (staged runs) the copy into the staging schema.
 */
import { failedWith } from '../connectors/classify-error.ts';
import { type SnapshotGuarantee, stageExtract } from '../staging/staged-extract.ts';
import { deferForeignKeys, tablesToDefer } from './deferred-foreign-keys.ts';
import { encodePlan } from './plan-codec.ts';
import { planTasks } from './plan-tasks.ts';
import type { ExtractResult, RunSession } from './run-session.ts';
import { runHookPhase } from './run-session-hooks.ts';
import type { NewRun } from './run-state.ts';

/** Source tables at least this large (by statistics) are counted by estimate where counting is slow. */
const ESTIMATE_ABOVE = 100_000;

/**
 * The extract stage: runs the pre hooks (once per run, even across a resume: they may empty a table
 * the counts must see emptied), counts the source rows, creates missing target tables, splits the
 * tables into key-range tasks and records the run. A run that exists already is picked up as is.
 */
export async function extractRun(session: RunSession): Promise<ExtractResult> {
  const { state } = session.options;
  let record = await state.getRun(session.runId);
  const hooksPending = !record?.preHooksDone;
  if (hooksPending) await runHookPhase(session, 'pre');
  await session.target.ensureCheckpointTable();
  if (record) {
    await state.markRunning(session.runId);
    // A process killed while creating the tables left some of them: create the rest.
    await createMissingTables(session, { resuming: true });
  } else {
    const rowsTotal = await countSource(session);
    const counts = new Map(Object.entries(rowsTotal).map(([id, c]) => [id, c.rows]));
    const tasks = await planTasks(session.plan.mappings, session.source, counts, session.settings);
    const targetBefore: Record<string, number> = {};
    for (const m of session.plan.mappings) {
      const key = `${m.target.schema}.${m.target.name}`;
      targetBefore[key] = m.createTarget ? 0 : await session.target.reader.count(m.target);
    }
    await state.createRun(
      {
        id: session.runId,
        specName: session.plan.spec.name,
        specHash: session.options.specHash,
        startedAt: new Date().toISOString(),
        targetBefore,
        plan: encodePlan(session.plan),
        rowsTotal,
      },
      tasks,
    );
    // Only now, with the run recorded: a process killed from here on leaves a run that knows the
    // tables it creates and the foreign keys it owes them, for a resume to finish.
    await createMissingTables(session, { resuming: false });
    const deferrable = tablesToDefer(session.plan.mappings, session.settings, targetBefore);
    await deferForeignKeys(session.target, state, session.runId, deferrable, session.log);
    record = (await state.getRun(session.runId))!;
  }
  if (hooksPending) await state.markPreHooksDone(session.runId);
  // Runs recorded before totals were kept count again.
  const rowsTotal = Object.keys(record.rowsTotal).length > 0 ? record.rowsTotal : await countSource(session);
  const tasks = await state.tasks(session.runId);
  if (session.staged) {
    const guarantee = await stageExtract({
      runId: session.runId,
      schema: session.staged.schema,
      staging: session.staged.connection,
      source: session.source,
      tasks,
      mapping: (id) => session.mapping(id),
      layout: (id) => session.transforms().get(id)!.layout,
      batchSize: session.settings.batchSize,
      parallelism: session.settings.parallelism,
      signal: session.signal,
    });
    if (guarantee) await noteSnapshot(session, guarantee);
  }
  return { tasks, rowsTotal, checkpoints: await session.checkpoints() };
}

async function countSource(session: RunSession): Promise<NewRun['rowsTotal']> {
  const totals: Record<string, { rows: number; estimate: boolean }> = {};
  await Promise.all(
    session.plan.mappings.map(async (m) => {
      // InnoDB counts by scanning the whole table (a second per million rows); for a large table
      // without a filter its statistics are close enough for a progress bar and a key-range split.
      const estimate =
        session.source.dialect.name === 'mysql' && !m.where && m.source.rowEstimate >= ESTIMATE_ABOVE;
      const rows = estimate ? m.source.rowEstimate : await session.source.reader.count(m.source, m.where);
      totals[m.id] = { rows, estimate };
    }),
  );
  return totals;
}

async function createMissingTables(session: RunSession, options: { resuming: boolean }): Promise<void> {
  // Enum types, then the tables. PostgreSQL and MySQL leave foreign keys out (added after the
  // load); SQLite, which cannot add them later, writes them inline and does not enforce them while loading.
  for (const statement of session.schemaDdl().beforeLoad) {
    try {
      await session.target.query(statement.sql);
    } catch (error) {
      if (!(options.resuming && failedWith(error, 'already_exists'))) throw error;
    }
  }
}

/** Says in the log, and in the report when it is less than one snapshot, what the staged rows are. */
async function noteSnapshot(session: RunSession, guarantee: SnapshotGuarantee): Promise<void> {
  const words: Record<SnapshotGuarantee, string> = {
    one_snapshot: 'every table was read from one snapshot of the source, shared by the parallel readers',
    per_attempt:
      'the extract was resumed: the tables copied before and after the interruption come from two snapshots of the source',
    per_reader:
      'the source cannot share one snapshot between readers (MySQL/MariaDB, SQLite): each reader saw it at its own moment',
  };
  session.log.info(`staged extract: ${words[guarantee]}`, { guarantee });
  if (guarantee === 'one_snapshot') return;
  const earlier = (await session.options.state.notes(session.runId)).warnings;
  await session.options.state.saveNotes(session.runId, {
    warnings: [
      ...earlier,
      {
        kind: 'source_snapshot',
        table: '*',
        message: `staged extract: ${words[guarantee]}`,
        fix: 'stop writes to the source during the extract if its tables must agree with each other',
      },
    ],
  });
}
