import { existsSync } from 'node:fs';
import { classifyFailure } from '../connectors/classify-error.ts';
import type { Checkpoint } from '../connectors/connection.ts';
import { maskPassword } from '../connectors/url.ts';
import { isDataBridgeError, messageOf } from '../errors.ts';
import { writeDdl } from '../report/write-ddl.ts';
import { writeExtractManifest } from '../report/write-extract-manifest.ts';
import { writeReport } from '../report/write-report.ts';
import { cleanseRemoved } from '../staging/cleanse-counts.ts';
import { stillDroppedWarnings } from './deferred-foreign-keys.ts';
import { decodePosition } from './key-codec.ts';
import { type StageProgress, type TableProgress, tableSeconds } from './progress.ts';
import type { RunSession } from './run-session.ts';
import type { TaskRecord } from './run-state.ts';
import type { RunOutcome, RunSummary, SyncSummary, TableSummary } from './run-summary.ts';
import { syncSummary } from './sync-outcome.ts';

export interface ReportInput {
  readonly outcome: RunOutcome;
  readonly failure: unknown;
  readonly startedAt: Date;
  readonly stages: readonly StageProgress[];
  /** The tables as whoever ran them saw them (timings, and rows that stopped a fail-fast run). */
  readonly tables: readonly TableProgress[];
  /** Write report.json and report.html and record the outcome (not for a paused run). */
  readonly final: boolean;
  /**
   * The run's throughput as its executor measured it (rows written in this attempt per second of
   * its running time, pauses left out: docs/throughput.md). Default: rows written over the load
   * stages' time, the same definition for a run in one process, which cannot pause.
   */
  readonly rowsPerSecond?: number;
}

/**
 * The report stage: the run's summary, with row counts as committed (progress counted pages as they
 * were written, but a failed or stopped run rolled its last batch back; the target's checkpoints say
 * what is really there), every stage's findings from the run state, and the report files.
 */
export async function reportRun(session: RunSession, input: ReportInput): Promise<RunSummary> {
  const { plan } = session;
  // The warnings of the scans that ran beside the load belong in this report.
  await session.settleMeasuring().catch(() => {});
  if (input.final && input.outcome !== 'completed') {
    // A run that stopped before its load finished still owes the target its foreign keys.
    await session.restoreDeferredForeignKeys({ strict: false, skipUnchecked: true }).catch((error: unknown) =>
      session.log.error('foreign keys dropped for the load were not added back', {
        error: messageOf(error),
      }),
    );
  }
  const [committed, tasks, notes, samples] = await Promise.all([
    committedCheckpoints(session),
    session.options.state.tasks(session.runId),
    session.options.state.notes(session.runId),
    session.options.state.rejectedSamples(session.runId),
  ]);
  const allTasksDone = tasks.length > 0 && tasks.every((t) => committed.get(t.id)?.done === true);
  const tables = input.tables.map((t): TableSummary => {
    const own = tasks.filter((task) => task.mappingId === t.mappingId).map((task) => committed.get(task.id));
    // Children of rejected parents were written, then taken out again (reject-orphans.ts).
    const orphans = notes.orphansRejected[t.mappingId] ?? 0;
    const written = own.reduce((n, c) => n + (c?.rowsWritten ?? 0), 0) - orphans;
    // Rows a staged run's cleanse took out before the load are rejected rows of the table too.
    const rejectedCommitted =
      own.reduce((n, c) => n + (c ? decodePosition(c.position).rejected : 0), 0) +
      orphans +
      cleanseRemoved(notes.cleanse[t.mappingId]);
    // Rows that stopped a fail-fast run were read and rejected, but no checkpoint counted them.
    const rejected = rejectedCommitted + Math.max(0, t.rowsRejected - rejectedCommitted);
    const seconds = tableSeconds(t);
    const mapping = session.mapping(t.mappingId);
    const rejectsFile = session.rejects.pathFor(
      t.mappingId,
      `${mapping.target.schema}.${mapping.target.name}`,
    );
    return {
      mappingId: t.mappingId,
      source: t.source,
      target: t.target,
      stage: t.stage,
      rowsRead: written + rejected,
      rowsWritten: written,
      rowsRejected: rejected,
      seconds,
      rowsPerSecond: seconds > 0 ? Math.round(written / seconds) : 0,
      rejectsFile: existsSync(rejectsFile) ? rejectsFile : null,
    };
  });
  const endedAt = new Date();
  const loadSeconds = input.stages
    .filter((s) => s.id === 'load_dimensions' || s.id === 'load_facts')
    .reduce((n, s) => n + (s.startedAt && s.endedAt ? (s.endedAt - s.startedAt) / 1000 : 0), 0);
  const rowsWritten = tables.reduce((n, t) => n + t.rowsWritten, 0);
  const { failure, outcome } = input;
  const summary: RunSummary = {
    runId: session.runId,
    specName: plan.spec.name,
    status: outcome,
    error: failure ? { code: classifyFailure(failure), message: messageOf(failure) } : null,
    source: maskPassword(plan.spec.source.url),
    target: maskPassword(plan.spec.target.url),
    startedAt: input.startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    seconds: (endedAt.getTime() - input.startedAt.getTime()) / 1000,
    stages: input.stages.map((s) => ({
      id: s.id,
      status: s.id === 'report' && input.final ? 'completed' : s.status,
      seconds: s.startedAt ? ((s.endedAt ?? Date.now()) - s.startedAt) / 1000 : 0,
    })),
    tables,
    totals: {
      rowsRead: tables.reduce((n, t) => n + t.rowsRead, 0),
      rowsWritten,
      rowsRejected: tables.reduce((n, t) => n + t.rowsRejected, 0),
      rowsPerSecond: input.rowsPerSecond ?? (loadSeconds > 0 ? Math.round(rowsWritten / loadSeconds) : 0),
    },
    warnings: [...plan.warnings, ...notes.warnings, ...stillDroppedWarnings(notes.deferredForeignKeys)],
    validation: notes.validation,
    sync: syncReport(session, notes.sync, committed, tasks, outcome),
    ...(notes.sourceSnapshot ? { sourceSnapshot: notes.sourceSnapshot } : {}),
    ...(Object.keys(notes.cleanse).length > 0
      ? { cleanse: plan.mappings.flatMap((m) => notes.cleanse[m.id] ?? []) }
      : {}),
    hooks: notes.hooks,
    rules: notes.rules,
    rejectedRows: samples,
    report: null,
    log: session.log.file,
    // A run that failed before it was recorded has nothing to resume: it starts again from scratch.
    resumeWith:
      tasks.length > 0 && canResume(outcome, failure, allTasksDone)
        ? `databridge run <spec> --resume ${session.runId}`
        : null,
  };
  if (!input.final) return summary;
  // The report first: a run marked finished always has one (a process killed before the mark leaves
  // the run unfinished, and `--resume` writes it then).
  const report = writeReport(summary, session.options.reportsDir);
  writeDdl(session.schemaDdl(), session.options.reportsDir, session.runId);
  if ((plan.spec.pipeline.extractArchive ?? 'none') !== 'none') {
    const transforms = session.transforms();
    writeExtractManifest(
      session.options.reportsDir,
      session.runId,
      plan.mappings,
      (id) => transforms.get(id)!.layout,
      tasks,
      committed,
    );
  }
  const reported = { ...summary, report };
  await session.options.state.finishRun(
    session.runId,
    outcome === 'paused' ? 'cancelled' : outcome,
    reported,
  );
  return reported;
}

/**
 * Each incremental mapping's counts and cursors: as the validate stage found them, or, for a run that
 * did not get there, what its checkpoints say, with the cursor where it was.
 */
function syncReport(
  session: RunSession,
  found: readonly SyncSummary[],
  committed: ReadonlyMap<string, Checkpoint>,
  tasks: readonly TaskRecord[],
  outcome: RunOutcome,
): SyncSummary[] {
  return session.plan.mappings
    .filter((m) => m.sync?.window)
    .map((m) => {
      const done = found.find((s) => s.mappingId === m.id);
      if (done && outcome === 'completed') return done;
      const counts = { targetBefore: 0, targetAfter: 0, deleted: 0, softDeleted: null };
      return {
        ...(done ?? syncSummary(m, tasks, committed, counts, false)),
        cursorAfter: m.sync!.window!.before,
      };
    });
}

/**
 * The target's checkpoints, read again on a fresh connection when the first read fails (the failure
 * being reported may be that very connection's loss): the counts come from them, whatever failed. Only
 * a target that cannot answer at all leaves them unknown (zero).
 */
async function committedCheckpoints(session: RunSession): Promise<Map<string, Checkpoint>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await session.checkpoints();
    } catch (error) {
      if (attempt === 3) {
        session.log.error('the target did not answer: row counts unknown', { error: messageOf(error) });
        return new Map();
      }
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}

/** Verdicts on the data itself: once every row is in, a resume would only reach them again. */
const DATA_VERDICTS = new Set(['validation_failed', 'bad_value', 'constraint_violation', 'hook_failed']);

/**
 * Whether `--resume` can make progress: whenever the run stopped for something other than bad input
 * or a verdict on the rows it finished loading (a lost connection during validate, a permission
 * revoked mid-load and granted again, a cancel all can).
 */
function canResume(outcome: RunOutcome, failure: unknown, allTasksDone: boolean): boolean {
  if (outcome === 'completed') return false;
  if (!isDataBridgeError(failure)) return true;
  if (failure.isBadInput) return false;
  return !(allTasksDone && DATA_VERDICTS.has(failure.code));
}
