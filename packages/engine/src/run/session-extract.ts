import { failedWith } from '../connectors/classify-error.ts';
import type { Checkpoint } from '../connectors/connection.ts';
import { describeSnapshot } from '../staging/snapshot-words.ts';
import { type ExtractSnapshot, stageExtract } from '../staging/staged-extract.ts';
import { deferForeignKeys, tablesToDefer } from './deferred-foreign-keys.ts';
import { encodePlan } from './plan-codec.ts';
import { planTasks } from './plan-tasks.ts';
import type { RunSession } from './run-session.ts';
import type { NewRun, TaskRecord } from './run-state.ts';
import { runHookPhase } from './session-policy.ts';

/** Source tables at least this large (by statistics) are counted by estimate where counting is slow. */
const ESTIMATE_ABOVE = 100_000;

export interface ExtractResult {
  readonly tasks: readonly TaskRecord[];
  readonly rowsTotal: NewRun['rowsTotal'];
  /** The target's committed checkpoints of this run by task id (a resume starts from them). */
  readonly checkpoints: ReadonlyMap<string, Checkpoint>;
}

/**
 * The extract stage: runs the pre hooks (once per run, even across a resume: they may empty a table
 * the counts must see emptied), counts the source rows, creates missing target tables, splits the
 * tables into key-range tasks and records the run. A run that exists already is picked up as is.
 */
export async function extractStage(session: RunSession): Promise<ExtractResult> {
  const { state } = session.options;
  const { runId, plan, settings } = session;
  let record = await state.getRun(runId);
  const hooksPending = !record?.preHooksDone;
  if (hooksPending) await runHookPhase(session, 'pre');
  await session.target.ensureCheckpointTable();
  if (record) {
    await state.markRunning(runId);
    // A process killed while creating the tables left some of them: create the rest.
    await createMissingTables(session, { resuming: true });
  } else {
    const rowsTotal = await countSource(session);
    const counts = new Map(Object.entries(rowsTotal).map(([id, c]) => [id, c.rows]));
    const tasks = await planTasks(plan.mappings, session.source, counts, settings);
    const targetBefore: Record<string, number> = {};
    for (const m of plan.mappings) {
      const key = `${m.target.schema}.${m.target.name}`;
      targetBefore[key] = m.createTarget ? 0 : await session.target.reader.count(m.target);
    }
    await state.createRun(
      {
        id: runId,
        specName: plan.spec.name,
        specHash: session.options.specHash,
        startedAt: new Date().toISOString(),
        targetBefore,
        plan: encodePlan(plan),
        rowsTotal,
      },
      tasks,
    );
    // Only now, with the run recorded: a process killed from here on leaves a run that knows the
    // tables it creates and the foreign keys it owes them, for a resume to finish.
    await createMissingTables(session, { resuming: false });
    const deferrable = tablesToDefer(plan.mappings, settings, targetBefore);
    await deferForeignKeys(session.target, state, runId, deferrable, session.log);
    record = (await state.getRun(runId))!;
  }
  if (hooksPending) await state.markPreHooksDone(runId);
  // Runs recorded before totals were kept count again.
  const rowsTotal = Object.keys(record.rowsTotal).length > 0 ? record.rowsTotal : await countSource(session);
  const tasks = await state.tasks(runId);
  if (session.staged) {
    const snapshot = await stageExtract({
      runId,
      schema: session.staged.schema,
      staging: session.staged.connection,
      source: session.source,
      tasks,
      mapping: (id) => session.mapping(id),
      layout: (id) => session.transforms().get(id)!.layout,
      batchSize: settings.batchSize,
      parallelism: settings.parallelism,
      signal: session.signal,
    });
    if (snapshot) await noteSnapshot(session, snapshot);
  }
  return { tasks, rowsTotal, checkpoints: await session.checkpoints() };
}

async function countSource(session: RunSession): Promise<NewRun['rowsTotal']> {
  const { source } = session;
  const totals: Record<string, { rows: number; estimate: boolean }> = {};
  await Promise.all(
    session.plan.mappings.map(async (m) => {
      // InnoDB counts by scanning the whole table (a second per million rows); for a large table
      // without a filter its statistics are close enough for a progress bar and a key-range split.
      const estimate = source.dialect.name === 'mysql' && !m.where && m.source.rowEstimate >= ESTIMATE_ABOVE;
      const rows = estimate ? m.source.rowEstimate : await source.reader.count(m.source, m.where);
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

/** Says in the log and the report what the staged rows are a picture of (snapshot-words.ts). */
async function noteSnapshot(session: RunSession, snapshot: ExtractSnapshot): Promise<void> {
  const { state } = session.options;
  const { note, warnings } = describeSnapshot(snapshot);
  session.log.info(note.message, { guarantee: note.guarantee });
  const earlier = (await state.notes(session.runId)).warnings;
  await state.saveNotes(session.runId, {
    sourceSnapshot: note,
    warnings: [...earlier, ...warnings],
  });
}
