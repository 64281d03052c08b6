import { randomBytes } from 'node:crypto';
import type { ArtefactStore } from '../artefacts/artefact-store.ts';
import { DataBridgeError, isDataBridgeError, messageOf } from '../errors.ts';
import { type MigrationPlan, STAGES, type StageId } from '../plan/plan-types.ts';
import { qualifiedName } from '../schema/model.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import { SqliteRunState } from '../sqlite/sqlite-run-state.ts';
import { cleanseRemoved } from '../staging/cleanse-counts.ts';
import type { StagingDatabase } from '../staging/staging-config.ts';
import { dropRunState } from './drop-run-state.ts';
import { PAUSED, STOP_NOW } from './paused.ts';
import { type RunProgress, type StageProgress, type TableProgress, totals } from './progress.ts';
import { reportRun } from './report-run.ts';
import type { RunLogEntry } from './run-log.ts';
import { type ExtractResult, RunSession } from './run-session.ts';
import type { RunStateStore, TaskRecord } from './run-state.ts';
import type { RunOutcome, RunSummary } from './run-summary.ts';
import { validateTableEarly } from './session-validate.ts';
import { nextStep, stagesOf, type WalkState, type WalkStep } from './stage-walk.ts';
import { runPool } from './task-pool.ts';
import { markStage, runStageWork, walkState } from './walk-steps.ts';

export interface RunOptions {
  readonly spec: MigrationSpec;
  /** Identifies the spec's content; a resume refuses a spec that changed. */
  readonly specHash: string;
  readonly lineOf?: (path: readonly (string | number)[]) => string;
  /** Where runs are recorded: a state store, or the path of the CLI's local SQLite file. */
  readonly state: RunStateStore | { readonly file: string };
  readonly reportsDir: string;
  /** The id of a new run (default: a time-stamped one). */
  readonly runId?: string;
  /** Finish this earlier run from its checkpoints instead of starting a new one. */
  readonly resumeRunId?: string;
  /**
   * Aborting stops every task at its next batch boundary. With the reason PAUSED the run ends
   * `paused`, without a report, ready to resume; with any other reason it ends `cancelled`.
   */
  readonly signal?: AbortSignal;
  /**
   * After an abort, how long a statement in flight may run on to its batch boundary before it is
   * ended (default 10 s); the reason STOP_NOW ends it at once.
   */
  readonly stopGraceMs?: number;
  /** Called whenever progress changes (after each batch, at each stage). */
  readonly onProgress?: (progress: RunProgress) => void;
  /** Called once the run id is known, before any row moves. */
  readonly onStart?: (runId: string, plan: MigrationPlan) => void;
  readonly onLog?: (entry: RunLogEntry) => void;
  /**
   * The staging database configured (STAGING_DATABASE_URL, `--staging`); checked against the spec's
   * `pipeline.staging` before anything else. Without it, and without `staging: database`, rows stream
   * directly as they always have.
   */
  readonly staging?: StagingDatabase;
  /** Where the extract archive goes (`pipeline.extractArchive`); default the local folder `reportsDir`. */
  readonly artefacts?: ArtefactStore;
  /** Rows per extract archive part. Default 1,000,000. */
  readonly extractPartRows?: number;
}

export { PAUSED };

/**
 * Runs a migration in this process: plan, extract, transform, load dimensions, load facts, validate,
 * report. Returns the summary whatever the outcome; throws only for bad input found before a run
 * starts (a spec that does not fit the schemas, a URL that does not connect), so that the CLI can exit
 * with 2.
 */
export async function runMigration(options: RunOptions): Promise<RunSummary> {
  const ownState = 'file' in options.state ? new SqliteRunState(options.state.file) : undefined;
  const state = ownState ?? (options.state as RunStateStore);
  try {
    const runId = options.resumeRunId ?? options.runId ?? newRunId();
    if (options.resumeRunId) await checkResumable(state, options);
    // A failed task stops its siblings at their next batch boundary through the same signal.
    const siblingFailed = new AbortController();
    const signal = options.signal
      ? AbortSignal.any([options.signal, siblingFailed.signal])
      : siblingFailed.signal;
    const session = await RunSession.open({
      spec: options.spec,
      specHash: options.specHash,
      runId,
      state,
      reportsDir: options.reportsDir,
      ...(options.lineOf ? { lineOf: options.lineOf } : {}),
      signal,
      ...(options.onLog ? { onLog: options.onLog } : {}),
      ...(options.stopGraceMs === undefined ? {} : { stopGraceMs: options.stopGraceMs }),
      ...(options.staging ? { staging: options.staging } : {}),
      ...(options.artefacts ? { artefacts: options.artefacts } : {}),
      ...(options.extractPartRows ? { extractPartRows: options.extractPartRows } : {}),
    });
    try {
      options.onStart?.(runId, session.plan);
      return await new LocalRun(session, options, siblingFailed).run();
    } finally {
      await session.close();
    }
  } finally {
    ownState?.close();
  }
}

async function checkResumable(state: RunStateStore, options: RunOptions): Promise<void> {
  const id = options.resumeRunId!;
  const previous = await state.getRun(id);
  if (!previous) throw new DataBridgeError('bad_spec', `there is no run "${id}" to resume`);
  if (previous.specHash !== options.specHash) {
    throw new DataBridgeError(
      'bad_spec',
      `the spec changed since run ${id} started; a resume needs the same spec`,
    );
  }
  if (previous.status === 'completed') {
    throw new DataBridgeError('bad_spec', `run ${id} already completed; there is nothing to resume`);
  }
}

function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * The stages of one session in the engine's order (stage-walk.ts), tasks side by side up to the
 * pipeline's parallelism; what it records is this process's progress.
 */
class LocalRun {
  private readonly progress: RunProgress;
  /** Tasks not yet done by target table (`schema.table`), from the first load step on. */
  private openTasksByTable: Map<string, number> | undefined;
  private readonly startedAt = new Date();

  constructor(
    private readonly session: RunSession,
    private readonly options: RunOptions,
    private readonly siblingFailed: AbortController,
  ) {
    this.progress = initialProgress(session);
  }

  async run(): Promise<RunSummary> {
    let outcome: RunOutcome = 'completed';
    let failure: unknown = null;
    let step: WalkStep = { kind: 'stage', stageId: 'extract' };
    try {
      for (;;) {
        const stages = new Map(this.progress.stages.map((s) => [s.id, s.status]));
        const state = await walkState(this.session, stages);
        step = nextStep(state);
        if (step.kind === 'report') break;
        await this.carryOut(step, state);
      }
    } catch (error) {
      failure = error;
      outcome = this.options.signal?.aborted ? (this.paused() ? 'paused' : 'cancelled') : 'failed';
      // The stages the step worked in stop with it: a paused one waits to resume; the one whose table
      // failed failed; a load stage beside it was interrupted (a resume goes on with both).
      for (const s of this.progress.stages)
        if (stagesOf(step).includes(s.id) && s.status === 'running')
          this.setStage(s.id, this.paused() ? 'pending' : this.stopStatus(s.id, outcome));
      const code = isDataBridgeError(error) ? error.code : 'internal';
      this.session.log.error(`run ${outcome}: ${messageOf(error)}`, { code });
    }
    const final = outcome !== 'paused';
    for (const s of this.progress.stages)
      if (s.status === 'pending' && s.id !== 'report' && final) s.status = 'skipped';
    const report = () =>
      reportRun(this.session, {
        outcome,
        failure: outcome === 'paused' ? null : failure,
        startedAt: this.startedAt,
        stages: this.progress.stages,
        tables: this.progress.tables,
        final,
        rowsPerSecond: Math.round(totals(this.progress).rowsPerSecond),
      });
    const summary = final ? await this.stage('report', report) : await report();
    // Only now, validated and reported, may the checkpoints a resume would need go.
    if (outcome === 'completed')
      await dropRunState(this.session.target, this.session.runId, this.session.log);
    await this.session.settleStaging(outcome);
    return summary;
  }

  private async carryOut(step: Exclude<WalkStep, { kind: 'report' }>, state: WalkState): Promise<void> {
    if (step.kind === 'skip') return this.setStage(step.stageId, 'skipped');
    if (step.kind === 'load') return this.load(step, state);
    await this.stage(step.stageId, async () => {
      const extracted = await runStageWork(this.session, step);
      if (extracted) this.noteExtracted(extracted);
      if (step.kind === 'stage' && step.stageId === 'transform') await this.noteCleansed();
    });
  }

  /** Each table's totals, and what a resumed run had loaded already. */
  private noteExtracted(extracted: ExtractResult): void {
    for (const t of this.progress.tables) {
      const total = extracted.rowsTotal[t.mappingId];
      t.rowsTotal = total?.rows ?? 0;
      t.rowsTotalIsEstimate = total?.estimate ?? false;
      const own = extracted.tasks.filter((task) => task.mappingId === t.mappingId);
      const committed = own.map((task) => extracted.checkpoints.get(task.id));
      t.rowsWritten = committed.reduce((n, c) => n + (c?.rowsWritten ?? 0), 0);
      t.rowsWrittenBefore = t.rowsWritten;
      t.rowsRead = t.rowsWritten;
    }
  }

  /** Rows the cleanse took out were read and rejected before any load: the tables' progress counts them. */
  private async noteCleansed(): Promise<void> {
    const { cleanse } = await this.session.options.state.notes(this.session.runId);
    for (const t of this.progress.tables) {
      const removed = cleanseRemoved(cleanse[t.mappingId]);
      t.rowsRead += removed;
      t.rowsRejected += removed;
    }
  }

  private stopStatus(id: StageId, outcome: RunOutcome): 'failed' | 'interrupted' {
    const failedHere = this.progress.tables.some((t) => t.stage === id && t.status === 'failed');
    return failedHere || outcome !== 'failed' ? 'failed' : 'interrupted';
  }

  private paused(): boolean {
    return this.options.signal?.reason === PAUSED;
  }

  /**
   * The tasks the walk says may run now, in one pool of `parallelism`. The stage the walk reached runs
   * from now on; a later one runs with its first task. A table completes with its last task.
   */
  private async load(step: Extract<WalkStep, { kind: 'load' }>, state: WalkState): Promise<void> {
    if (this.status(step.stageIds[0]!) !== 'running') this.setStage(step.stageIds[0]!, 'running');
    if (!this.openTasksByTable) {
      this.openTasksByTable = new Map();
      for (const t of state.openTasks) {
        const table = qualifiedName(this.session.mapping(t.mappingId).target);
        this.openTasksByTable.set(table, (this.openTasksByTable.get(table) ?? 0) + 1);
      }
    }
    const all = await this.session.options.state.tasks(this.session.runId);
    const tasks = step.taskIds.map((id) => all.find((t) => t.id === id)!);
    // Tables of these stages with nothing left to load (all done before a resume) complete now.
    for (const m of this.session.plan.mappings)
      if (step.stageIds.includes(m.stage) && !state.openTasks.some((t) => t.mappingId === m.id))
        if (this.table(m.id).status === 'pending') this.finishTable(m.id, 'completed');
    const remaining = new Map<string, number>();
    for (const t of tasks) remaining.set(t.mappingId, (remaining.get(t.mappingId) ?? 0) + 1);
    await runPool(
      tasks,
      this.session.settings.parallelism,
      async (task) => {
        const stageId = this.session.mapping(task.mappingId).stage;
        if (this.status(stageId) !== 'running') this.setStage(stageId, 'running');
        await this.loadOne(task, remaining);
      },
      // A failed task fails the run: the others' statements end at once.
      () => this.siblingFailed.abort(STOP_NOW),
    );
  }

  /** Loads one task, keeping its table's progress; the table completes with its last task. */
  private async loadOne(task: TaskRecord, remaining: Map<string, number>): Promise<void> {
    const table = this.table(task.mappingId);
    table.status = 'running';
    table.startedAt ??= Date.now();
    try {
      await this.session.loadTask(task, {
        onBatch: (b) => {
          table.rowsRead += b.rowsRead;
          table.rowsWritten += b.rowsWritten;
          if (b.rowsUncommitted) table.rowsUncommitted = (table.rowsUncommitted ?? 0) + b.rowsUncommitted;
          table.readMs += b.readMs;
          table.writeMs += b.writeMs;
          this.options.onProgress?.(this.progress);
        },
        onRejected: (rows, stopped) => {
          table.rowsRejected += rows.length;
          if (stopped) table.rowsRead += rows.length;
        },
      });
    } catch (error) {
      table.rowsUncommitted = 0; // rolled back
      this.finishTable(task.mappingId, 'failed');
      throw error;
    }
    remaining.set(task.mappingId, remaining.get(task.mappingId)! - 1);
    if (remaining.get(task.mappingId) === 0) this.finishTable(task.mappingId, 'completed');
    this.taskDone(qualifiedName(this.session.mapping(task.mappingId).target));
  }

  /** With a table's last task committed, its counts and checksums may start while others load. */
  private taskDone(table: string): void {
    const open = (this.openTasksByTable?.get(table) ?? 0) - 1;
    this.openTasksByTable?.set(table, open);
    if (open !== 0) return;
    const early = validateTableEarly(this.session, table);
    if (!early) return;
    // Awaited by the validate stage, which fails with its error, if any; a run that ends before
    // then leaves the promise unread.
    early.catch(() => {});
    this.session.earlyValidations.set(table, early);
  }

  private async stage<T>(id: StageId, work: () => Promise<T>): Promise<T> {
    // A load stage is running already when the walk comes to finish it.
    if (this.status(id) !== 'running') this.setStage(id, 'running');
    try {
      const result = await work();
      this.setStage(id, 'completed');
      return result;
    } catch (error) {
      this.setStage(id, this.paused() ? 'pending' : 'failed');
      throw error;
    }
  }

  private status(id: StageId): StageProgress['status'] {
    return this.progress.stages.find((x) => x.id === id)!.status;
  }

  private setStage(id: StageId, status: StageProgress['status']): void {
    markStage(this.session, (stageId, to) => this.recordStage(stageId, to), id, status);
  }

  private recordStage(id: StageId, status: StageProgress['status']): void {
    const s = this.progress.stages.find((x) => x.id === id)!;
    if (status === 'running') s.startedAt = Date.now();
    if (status !== 'running' && status !== 'pending') s.endedAt = Date.now();
    s.status = status;
    this.options.onProgress?.(this.progress);
  }

  private table(mappingId: string): TableProgress {
    return this.progress.tables.find((t) => t.mappingId === mappingId)!;
  }

  private finishTable(mappingId: string, status: 'completed' | 'failed'): void {
    const t = this.table(mappingId);
    this.session.log[status === 'failed' ? 'error' : 'info'](`${t.source} -> ${t.target} ${status}`, {
      mappingId,
      rowsWritten: t.rowsWritten,
      rowsRejected: t.rowsRejected,
    });
    t.status = status;
    t.endedAt = Date.now();
    t.startedAt ??= t.endedAt;
    this.options.onProgress?.(this.progress);
  }
}

/** Every stage pending and every table at zero, in plan order. */
export function initialProgress(session: RunSession): RunProgress {
  return {
    runId: session.runId,
    startedAt: Date.now(),
    stages: STAGES.map((id): StageProgress => ({ id, status: 'pending', startedAt: null, endedAt: null })),
    tables: session.plan.mappings.map(
      (m): TableProgress => ({
        mappingId: m.id,
        source: `${m.source.schema}.${m.source.name}`,
        target: `${m.target.schema}.${m.target.name}`,
        stage: m.stage,
        rowsTotal: 0,
        rowsTotalIsEstimate: false,
        rowsRead: 0,
        rowsWritten: 0,
        rowsRejected: 0,
        readMs: 0,
        writeMs: 0,
        startedAt: null,
        endedAt: null,
        status: 'pending',
      }),
    ),
  };
}
