import { randomBytes } from 'node:crypto';
import type { ArtefactStore } from '../artefacts/artefact-store.ts';
import { DataBridgeError, isDataBridgeError, messageOf } from '../errors.ts';
import { type MigrationPlan, type PlannedMapping, STAGES, type StageId } from '../plan/plan-types.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import { SqliteRunState } from '../sqlite/sqlite-run-state.ts';
import { cleanseRemoved } from '../staging/cleanse-counts.ts';
import type { StagingDatabase } from '../staging/staging-config.ts';
import { dropRunState } from './drop-run-state.ts';
import { PAUSED, STOP_NOW } from './paused.ts';
import { type RunProgress, type StageProgress, type TableProgress, totals } from './progress.ts';
import { reportRun } from './report-run.ts';
import type { RunLogEntry } from './run-log.ts';
import { RunSession } from './run-session.ts';
import type { RunStateStore, TaskRecord } from './run-state.ts';
import type { RunOutcome, RunSummary } from './run-summary.ts';
import { logStageStatus } from './stage-log.ts';
import { runPool } from './task-pool.ts';

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

/** The stages of one session in order, tasks side by side up to the pipeline's parallelism. */
class LocalRun {
  private readonly progress: RunProgress;
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
    try {
      const extracted = await this.stage('extract', () => this.session.extract());
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
      await this.stage('transform', async () => {
        this.session.transforms();
        await this.session.cleanse();
        // Rows the cleanse took out were read and rejected before any load: the tables' progress counts them.
        const { cleanse } = await this.session.options.state.notes(this.session.runId);
        for (const t of this.progress.tables) {
          const removed = cleanseRemoved(cleanse[t.mappingId]);
          t.rowsRead += removed;
          t.rowsRejected += removed;
        }
      });
      const loadStages = LOAD_STAGES.filter((id) => this.session.stageHasWork(id));
      for (const id of LOAD_STAGES) if (!loadStages.includes(id)) this.setStage(id, 'skipped');
      if (await this.session.levelsMayOverlap()) await this.loadTogether(loadStages);
      else {
        for (const stageId of loadStages) {
          await this.stage(stageId, async () => {
            await this.load(stageId);
            await this.session.finishLoadStage(stageId);
          });
        }
      }
      await this.stage('validate', () => this.session.validate());
      await this.session.checkPolicy();
    } catch (error) {
      failure = error;
      outcome = this.options.signal?.aborted ? (this.paused() ? 'paused' : 'cancelled') : 'failed';
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

  private paused(): boolean {
    return this.options.signal?.reason === PAUSED;
  }

  /** One stage, level after level: a level's tables load once every table they reference is in. */
  private async load(stageId: LoadStage): Promise<void> {
    const mappings = this.session.plan.mappings.filter((m) => m.stage === stageId);
    const levels = [...new Set(mappings.map((m) => m.level))].sort((a, b) => a - b);
    const all = await this.session.options.state.tasks(this.session.runId);
    for (const level of levels) {
      const atLevel = mappings.filter((m) => m.level === level);
      const levelTasks = all.filter((t) => atLevel.some((m) => m.id === t.mappingId));
      const remaining = this.tasksLeft(atLevel, levelTasks);
      await runPool(
        levelTasks,
        this.session.settings.parallelism,
        (task) => this.loadOne(task, remaining),
        // A failed task fails the run: the others' statements end at once.
        () => this.siblingFailed.abort(STOP_NOW),
      );
    }
  }

  /**
   * Every load stage and level at once (no foreign key among them is checked while loading, see
   * overlap-levels.ts): one pool of `parallelism` tasks in load order, so that a slot freed by a
   * parent's task takes a child's at once instead of waiting for the level's slowest task. A stage
   * completes with its last task (its deferred columns filled then); the work after the last stage
   * (foreign keys, indexes) waits for every row.
   */
  private async loadTogether(stageIds: readonly LoadStage[]): Promise<void> {
    const last = stageIds[stageIds.length - 1];
    const mappings = this.session.plan.mappings.filter((m) => stageIds.includes(m.stage));
    const stageOf = new Map(mappings.map((m) => [m.id, m.stage]));
    const all = await this.session.options.state.tasks(this.session.runId);
    const tasks = all.filter((t) => stageOf.has(t.mappingId));
    const remaining = this.tasksLeft(mappings, tasks);
    const left = new Map(
      stageIds.map((id) => [id, tasks.filter((t) => stageOf.get(t.mappingId) === id).length]),
    );
    const finish = async (id: LoadStage) => {
      await this.session.finishLoadStage(id);
      this.setStage(id, 'completed');
    };
    for (const id of stageIds) this.setStage(id, 'running');
    try {
      for (const id of stageIds) if (id !== last && left.get(id) === 0) await finish(id);
      await runPool(
        inLoadOrder(tasks, mappings),
        this.session.settings.parallelism,
        async (task) => {
          await this.loadOne(task, remaining);
          const id = stageOf.get(task.mappingId)!;
          left.set(id, left.get(id)! - 1);
          if (id !== last && left.get(id) === 0) await finish(id);
        },
        () => this.siblingFailed.abort(STOP_NOW),
      );
      if (last) await finish(last);
    } catch (error) {
      for (const s of this.progress.stages)
        if (stageIds.includes(s.id as LoadStage) && s.status === 'running')
          this.setStage(s.id, this.paused() ? 'pending' : 'failed');
      throw error;
    }
  }

  /** Tasks still to finish per mapping; a mapping without any is completed at once. */
  private tasksLeft(mappings: readonly { id: string }[], tasks: readonly TaskRecord[]): Map<string, number> {
    const remaining = new Map(mappings.map((m) => [m.id, tasks.filter((t) => t.mappingId === m.id).length]));
    for (const m of mappings) if (remaining.get(m.id) === 0) this.finishTable(m.id, 'completed');
    return remaining;
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
  }

  private async stage<T>(id: StageId, work: () => Promise<T>): Promise<T> {
    this.setStage(id, 'running');
    try {
      const result = await work();
      this.setStage(id, 'completed');
      return result;
    } catch (error) {
      this.setStage(id, this.paused() ? 'pending' : 'failed');
      throw error;
    }
  }

  private setStage(id: StageId, status: StageProgress['status']): void {
    const s = this.progress.stages.find((x) => x.id === id)!;
    logStageStatus(this.session.log, id, status);
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

type LoadStage = 'load_dimensions' | 'load_facts';
const LOAD_STAGES: readonly LoadStage[] = ['load_dimensions', 'load_facts'];

/** Tasks parents first: by stage, then level, then plan order; a table's key ranges in order. */
function inLoadOrder(tasks: readonly TaskRecord[], mappings: readonly PlannedMapping[]): TaskRecord[] {
  const rank = new Map(
    mappings.map((m, i) => [m.id, (m.stage === 'load_dimensions' ? 0 : 1) * 1e9 + m.level * 1e6 + i]),
  );
  return [...tasks].sort((a, b) => rank.get(a.mappingId)! - rank.get(b.mappingId)!);
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
