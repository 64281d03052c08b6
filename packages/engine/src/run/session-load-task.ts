import { LocalFolderStore } from '../artefacts/local-folder-store.ts';
import type { PlannedMapping } from '../plan/plan-types.ts';
import { ExtractArchiveTask } from './extract-archive-task.ts';
import { connectOptions } from './open-pair.ts';
import { canPassThrough, isRowLevelFailure, runPassThroughTask } from './pass-through-task.ts';
import type { ReadLayout } from './read-layout.ts';
import type { RejectedRow } from './rejected-row.ts';
import { identity } from './row-transform.ts';
import type { RunSession } from './run-session.ts';
import type { TaskRecord } from './run-state.ts';
import { type BatchStats, runTask, type TaskContext, type TaskResult } from './run-task.ts';
import { canRunOnThread, runThreadedTask } from './threads/threaded-task.ts';
import { sumWhileLoading } from './validate.ts';

export interface TaskHandlers {
  onBatch(stats: BatchStats): void;
  /** Rejected rows: committed with their batch, or (`stopped`) the rows that stopped the run. */
  onRejected(rows: readonly RejectedRow[], stopped: boolean): void;
}

/**
 * Loads one task from its last checkpoint: bytes straight through where source and target allow
 * it, else row by row. Rejected rows go to the rejects file and the run state's samples.
 */
export async function loadTask(
  session: RunSession,
  task: TaskRecord,
  handlers: TaskHandlers,
): Promise<TaskResult> {
  const { settings, runId, target, log } = session;
  const mapping = session.mapping(task.mappingId);
  const { layout, transform } = session.transforms().get(mapping.id)!;
  const samples: Promise<void>[] = [];
  const source = await session.loadSource();
  const sourceSum = sumWhileLoading(mapping, source, target, settings.validation.checksum, layout.valueIndex);
  const context: TaskContext = {
    runId,
    task,
    mapping,
    layout,
    transform,
    source,
    target,
    batchSize: settings.batchSize,
    policy: settings.errorPolicy,
    checkpoint: (await session.checkpoints()).get(task.id),
    ...(sourceSum ? { sourceSum } : {}),
    ...extractArchive(session, mapping, layout, task),
    signal: session.signal,
    onBatch: (b) => {
      log.debug(`page of ${b.rowsRead} rows into ${mapping.target.name}`, {
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
      samples.push(session.options.state.addRejectedSamples(runId, mapping.id, rows));
      log.warning(`${rows.length} row(s) rejected in ${mapping.target.schema}.${mapping.target.name}`, {
        mappingId: mapping.id,
        first: rows[0]!.reason,
      });
      handlers.onRejected(rows, stopped);
    },
  };
  // Bytes passed straight through are not rows: an archived run reads them as rows.
  const passThrough = transform === identity && !context.archive && canPassThrough(mapping, source, target);
  const threads = passThrough || !canRunOnThread(mapping, context) ? undefined : session.loaderThreads();
  if (threads)
    log.info(`task ${task.id}: rows read, converted and encoded on a loader thread`, { taskId: task.id });
  try {
    if (!passThrough && !threads) return await runTask(context);
    try {
      return threads
        ? await runThreadedTask(context, threads, {
            url: session.options.spec.source.url,
            // One reader per task on the thread, and one spare.
            options: connectOptions(
              session.options.spec,
              session.options.sqliteFolder,
              settings.parallelism + 1,
            ),
            settings,
            source,
          })
        : await runPassThroughTask(context);
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

/** The task's extract archive, when the spec asks for one (`pipeline.extractArchive`). */
function extractArchive(
  session: RunSession,
  mapping: PlannedMapping,
  layout: ReadLayout,
  task: TaskRecord,
): Pick<TaskContext, 'archive'> {
  if ((session.settings.extractArchive ?? 'none') === 'none') return {};
  const { options } = session;
  const settings = {
    store: options.artefacts ?? new LocalFolderStore(options.reportsDir),
    runId: session.runId,
    signal: session.signal,
    ...(options.extractPartRows ? { partRows: options.extractPartRows } : {}),
  };
  return {
    archive: (resumed) => new ExtractArchiveTask(settings, mapping, layout, task.id, resumed),
  };
}
