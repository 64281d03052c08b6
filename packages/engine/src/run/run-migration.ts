import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Checkpoint, Connection } from '../connectors/connection.ts';
import { maskPassword } from '../connectors/url.ts';
import { DataBridgeError, isDataBridgeError, messageOf } from '../errors.ts';
import { buildPlan } from '../plan/build-plan.ts';
import { checkKeyConflicts } from '../plan/check-key-conflicts.ts';
import { checkSourceQueries } from '../plan/check-source-queries.ts';
import {
  type MigrationPlan,
  type PlannedMapping,
  type PlanWarning,
  STAGES,
  type StageId,
} from '../plan/plan-types.ts';
import { writeReport } from '../report/write-report.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import { fillDeferredColumns } from './fill-deferred.ts';
import { type HookResult, runHooks } from './hooks.ts';
import { decodePosition } from './key-codec.ts';
import { openPair } from './open-pair.ts';
import { canPassThrough, isRowLevelFailure, runPassThroughTask } from './pass-through-task.ts';
import { planTasks } from './plan-tasks.ts';
import type { RunProgress, StageProgress, TableProgress } from './progress.ts';
import { tableSeconds } from './progress.ts';
import { RejectLog } from './reject-log.ts';
import { identity } from './row-transform.ts';
import { RunLog } from './run-log.ts';
import { RunState, type TaskRecord } from './run-state.ts';
import type { RunOutcome, RunSummary } from './run-summary.ts';
import { runTask, type TaskContext } from './run-task.ts';
import { type CompiledMapping, compileMapping } from './sample-rows.ts';
import { runPool } from './task-pool.ts';
import { type TableValidation, validateTables } from './validate.ts';
import { checkRules, type RuleResult } from './validation-rules.ts';

export interface RunOptions {
  readonly spec: MigrationSpec;
  /** Identifies the spec's content; a resume refuses a spec that changed. */
  readonly specHash: string;
  readonly lineOf?: (path: readonly (string | number)[]) => string;
  /** The local SQLite file that records runs and their tasks. */
  readonly stateFile: string;
  readonly reportsDir: string;
  /** Finish this earlier run from its checkpoints instead of starting a new one. */
  readonly resumeRunId?: string;
  readonly signal?: AbortSignal;
  /** Called whenever progress changes (after each batch, at each stage). */
  readonly onProgress?: (progress: RunProgress) => void;
  /** Called once the run id is known, before any row moves. */
  readonly onStart?: (runId: string, plan: MigrationPlan) => void;
}

/**
 * Runs a migration: plan, extract, transform, load dimensions, load facts, validate, report. Returns
 * the summary whatever the outcome; throws only for bad input found before a run starts (a spec that
 * does not fit the schemas, a URL that does not connect), so that the CLI can exit with 2.
 */
export async function runMigration(options: RunOptions): Promise<RunSummary> {
  const { spec } = options;
  const state = new RunState(options.stateFile);
  const { source, target } = await openPair(spec);
  try {
    const [sourceSchema, targetSchema] = await Promise.all([source.introspect(), target.introspect()]);
    const built = buildPlan({
      spec,
      sourceSchema,
      targetSchema,
      sourceDefaultSchema: source.dialect.defaultSchema,
      targetDefaultSchema: target.dialect.defaultSchema,
      lineOf: options.lineOf ?? (() => 'spec'),
    });
    await checkSourceQueries(built, source);
    const plan = await checkKeyConflicts(built, source, target);
    const previous = options.resumeRunId ? state.getRun(options.resumeRunId) : undefined;
    if (options.resumeRunId && !previous) {
      throw new DataBridgeError(
        'bad_spec',
        `there is no run "${options.resumeRunId}" to resume in ${options.stateFile}`,
      );
    }
    if (previous && previous.specHash !== options.specHash) {
      throw new DataBridgeError(
        'bad_spec',
        `the spec changed since run ${previous.id} started; a resume needs the same spec`,
      );
    }
    if (previous?.status === 'completed') {
      throw new DataBridgeError(
        'bad_spec',
        `run ${previous.id} already completed; there is nothing to resume`,
      );
    }
    const runId = previous?.id ?? newRunId();
    options.onStart?.(runId, plan);
    const execution = new Execution(runId, plan, source, target, state, options);
    return await execution.run(previous?.targetBefore);
  } finally {
    state.close();
    await Promise.allSettled([source.close(), target.close()]);
  }
}

/** Source tables at least this large (by statistics) are counted by estimate where counting is slow. */
const ESTIMATE_ABOVE = 100_000;

function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

class Execution {
  private readonly progress: RunProgress;
  private readonly abort = new AbortController();
  private readonly signal: AbortSignal;
  private validation: TableValidation[] = [];
  private readonly rejects: RejectLog;
  private readonly log: RunLog;
  private readonly startedAt = new Date();

  constructor(
    private readonly runId: string,
    private readonly plan: MigrationPlan,
    private readonly source: Connection,
    private readonly target: Connection,
    private readonly state: RunState,
    private readonly options: RunOptions,
  ) {
    this.rejects = new RejectLog(join(resolve(options.reportsDir, runId), 'rejects'));
    this.log = new RunLog(join(resolve(options.reportsDir, runId), 'run.log'), plan.spec.pipeline.logLevel);
    this.signal = options.signal ? AbortSignal.any([options.signal, this.abort.signal]) : this.abort.signal;
    this.progress = {
      runId,
      startedAt: Date.now(),
      stages: STAGES.map((id): StageProgress => ({ id, status: 'pending', startedAt: null, endedAt: null })),
      tables: plan.mappings.map(
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

  async run(targetBeforeFromResume: Record<string, number> | undefined): Promise<RunSummary> {
    let outcome: RunOutcome = 'completed';
    let failure: unknown = null;
    try {
      const { tasks, checkpoints } = await this.stage('extract', async () => {
        // Pre hooks run first (they may empty a table the counts must see emptied), once per run.
        const hooksPending = targetBeforeFromResume === undefined || !this.state.preHooksDone(this.runId);
        if (hooksPending) await this.hooks('pre');
        const extracted = await this.extract(targetBeforeFromResume);
        if (hooksPending) this.state.markPreHooksDone(this.runId);
        return extracted;
      });
      const transforms = await this.stage('transform', () => this.prepareTransforms());
      for (const stageId of ['load_dimensions', 'load_facts'] as const) {
        const mappings = this.plan.mappings.filter((m) => m.stage === stageId);
        if (mappings.length === 0) {
          this.setStage(stageId, 'skipped');
          continue;
        }
        await this.stage(stageId, () => this.load(mappings, tasks, checkpoints, transforms));
      }
      await this.stage('validate', async () => {
        await this.hooks('post');
        await this.validate();
      });
      this.failIfRejectedUnderContinue();
      this.failIfHooksFailedUnderContinue();
    } catch (error) {
      failure = error;
      outcome =
        this.signal.aborted && isDataBridgeError(error) && error.code === 'cancelled'
          ? 'cancelled'
          : 'failed';
      if (this.options.signal?.aborted) outcome = 'cancelled';
      this.log.error(`run ${outcome}: ${messageOf(error)}`, {
        code: isDataBridgeError(error) ? error.code : 'internal',
      });
    }
    for (const s of this.progress.stages)
      if (s.status === 'pending' && s.id !== 'report') s.status = 'skipped';
    return this.stage('report', async () => this.finish(outcome, failure));
  }

  private async stage<T>(id: StageId, work: () => Promise<T>): Promise<T> {
    this.setStage(id, 'running');
    try {
      const result = await work();
      this.setStage(id, 'completed');
      return result;
    } catch (error) {
      this.setStage(id, 'failed');
      throw error;
    }
  }

  private setStage(id: StageId, status: StageProgress['status']): void {
    const s = this.progress.stages.find((x) => x.id === id)!;
    if (status === 'failed') this.log.error(`stage ${id} failed`, { stage: id });
    else if (status !== 'pending') this.log.info(`stage ${id} ${status}`, { stage: id });
    if (status === 'running') s.startedAt = Date.now();
    if (status !== 'running' && status !== 'pending') s.endedAt = Date.now();
    s.status = status;
    this.options.onProgress?.(this.progress);
  }

  /** Counts source rows, splits tables into key-range tasks, notes what the target holds already. */
  private async extract(resumedTargetBefore: Record<string, number> | undefined) {
    const counts = new Map<string, number>();
    await Promise.all(
      this.plan.mappings.map(async (m) => {
        // InnoDB counts by scanning the whole table (a second per million rows); for a large table
        // without a filter its statistics are close enough for a progress bar and a key-range split.
        const estimate =
          this.source.dialect.name === 'mysql' && !m.where && m.source.rowEstimate >= ESTIMATE_ABOVE;
        counts.set(m.id, estimate ? m.source.rowEstimate : await this.source.reader.count(m.source, m.where));
        this.table(m.id).rowsTotal = counts.get(m.id)!;
        this.table(m.id).rowsTotalIsEstimate = estimate;
      }),
    );
    await this.target.ensureCheckpointTable();
    let tasks: TaskRecord[];
    if (resumedTargetBefore) {
      tasks = this.state.tasks(this.runId);
      this.state.markRunning(this.runId);
      this.targetBefore = resumedTargetBefore;
    } else {
      await this.createMissingTables();
      tasks = await planTasks(this.plan.mappings, this.source, counts, this.plan.spec.pipeline);
      this.targetBefore = {};
      for (const m of this.plan.mappings) {
        const key = `${m.target.schema}.${m.target.name}`;
        this.targetBefore[key] = m.createTarget ? 0 : await this.target.reader.count(m.target);
      }
      this.state.createRun(
        {
          id: this.runId,
          specName: this.plan.spec.name,
          specHash: this.options.specHash,
          startedAt: this.startedAt.toISOString(),
          targetBefore: this.targetBefore,
        },
        tasks,
      );
    }
    const checkpoints = new Map((await this.target.readCheckpoints(this.runId)).map((c) => [c.taskId, c]));
    for (const m of this.plan.mappings) {
      const own = tasks
        .map((t) => (t.mappingId === m.id ? checkpoints.get(t.id) : undefined))
        .filter((c) => c !== undefined);
      const written = own.reduce((n, c) => n + c.rowsWritten, 0);
      const rejected = own.reduce((n, c) => n + decodePosition(c.position).rejected, 0);
      this.table(m.id).rowsWritten = written;
      this.table(m.id).rowsRejected = rejected;
      this.table(m.id).rowsRead = written + rejected;
    }
    return { tasks, checkpoints };
  }

  private targetBefore: Record<string, number> = {};

  private async createMissingTables(): Promise<void> {
    const created = new Set<string>();
    for (const m of this.plan.mappings) {
      const key = `${m.target.schema}.${m.target.name}`;
      if (!m.createTarget || created.has(key)) continue;
      created.add(key);
      // PostgreSQL and MySQL leave foreign keys out (added after the load); SQLite, which cannot add
      // them later, writes them inline and does not enforce them while loading.
      await this.target.query(this.target.dialect.createTable(m.target, m.target));
    }
  }

  /** Compiles each mapping's row function (the read queries were checked with the plan). */
  private async prepareTransforms() {
    const dialects = { source: this.source.dialect.name, target: this.target.dialect.name };
    return new Map(
      this.plan.mappings.map((m) => [m.id, compileMapping(m, this.plan.spec.pipeline, dialects)]),
    );
  }

  private async load(
    mappings: readonly PlannedMapping[],
    tasks: readonly TaskRecord[],
    checkpoints: ReadonlyMap<string, Checkpoint>,
    compiled: ReadonlyMap<string, CompiledMapping>,
  ): Promise<void> {
    const levels = [...new Set(mappings.map((m) => m.level))].sort((a, b) => a - b);
    for (const level of levels) {
      const atLevel = mappings.filter((m) => m.level === level);
      const levelTasks = tasks.filter((t) => atLevel.some((m) => m.id === t.mappingId));
      const remaining = new Map(
        atLevel.map((m) => [m.id, levelTasks.filter((t) => t.mappingId === m.id).length]),
      );
      for (const m of atLevel) if (remaining.get(m.id) === 0) this.finishTable(m.id, 'completed');
      await runPool(
        levelTasks,
        this.plan.spec.pipeline.parallelism,
        async (task) => {
          const mapping = atLevel.find((m) => m.id === task.mappingId)!;
          const table = this.table(mapping.id);
          table.status = 'running';
          table.startedAt ??= Date.now();
          try {
            const { layout, transform } = compiled.get(mapping.id)!;
            const context: TaskContext = {
              runId: this.runId,
              task,
              mapping,
              layout,
              transform,
              source: this.source,
              target: this.target,
              batchSize: this.plan.spec.pipeline.batchSize,
              policy: this.plan.spec.pipeline.errorPolicy,
              checkpoint: checkpoints.get(task.id),
              signal: this.signal,
              onBatch: (b) => {
                table.rowsRead += b.rowsRead;
                table.rowsWritten += b.rowsWritten;
                table.readMs += b.readMs;
                this.log.debug(`page of ${b.rowsRead} rows into ${table.target}`, {
                  taskId: task.id,
                  written: b.rowsWritten,
                  readMs: Math.round(b.readMs),
                  writeMs: Math.round(b.writeMs),
                });
                table.writeMs += b.writeMs;
                this.options.onProgress?.(this.progress);
              },
              onRejected: (rows, stopped) => {
                this.rejects.record(rows);
                if (rows.length > 0) {
                  this.log.warning(`${rows.length} row(s) rejected in ${table.target}`, {
                    mappingId: mapping.id,
                    first: rows[0]!.reason,
                  });
                }
                table.rowsRejected += rows.length;
                if (stopped) table.rowsRead += rows.length;
              },
            };
            const passThrough = transform === identity && canPassThrough(mapping, this.source, this.target);
            try {
              await (passThrough ? runPassThroughTask(context) : runTask(context));
            } catch (error) {
              if (!passThrough || !isRowLevelFailure(error)) throw error;
              // The database refused a row of a byte batch: go on from the last checkpoint on the
              // parsed path, which finds the row and applies the error policy to it.
              const checkpoint = (await this.target.readCheckpoints(this.runId)).find(
                (c) => c.taskId === task.id,
              );
              await runTask({ ...context, checkpoint });
            }
          } catch (error) {
            this.finishTable(mapping.id, 'failed');
            throw error;
          }
          remaining.set(mapping.id, remaining.get(mapping.id)! - 1);
          if (remaining.get(mapping.id) === 0) this.finishTable(mapping.id, 'completed');
        },
        () => this.abort.abort(),
      );
    }
    for (const m of mappings) {
      await fillDeferredColumns(m, this.source, this.target, {
        batchSize: this.plan.spec.pipeline.batchSize,
        signal: this.signal,
      });
    }
    if (
      mappings.some((m) => m.stage === 'load_facts') ||
      !this.plan.mappings.some((m) => m.stage === 'load_facts')
    ) {
      await this.addCreatedForeignKeys();
    }
  }

  /** Foreign keys of created tables go on once all rows are in, checked once rather than row by row. */
  private async addCreatedForeignKeys(): Promise<void> {
    const done = new Set<string>();
    for (const m of this.plan.mappings) {
      const key = `${m.target.schema}.${m.target.name}`;
      if (!m.createTarget || done.has(key)) continue;
      done.add(key);
      for (const sql of this.target.dialect.addForeignKeys(m.target, m.target)) {
        try {
          await this.target.query(sql);
        } catch (error) {
          // Under fail_fast no row was rejected, so a refusal is real. Otherwise a rejected parent
          // row may leave children without it: the rows stay loaded, the constraint is reported.
          if (this.plan.spec.pipeline.errorPolicy === 'fail_fast') throw error;
          this.runtimeWarnings.push({
            kind: 'foreign_key',
            table: key,
            message: `a foreign key was not created: ${messageOf(error)}`,
            fix: 'fix or reload the rejected parent rows (see the rejects files), then add the constraint',
          });
          this.log.warning(`foreign key on ${key} not created`, { error: messageOf(error) });
        }
      }
    }
  }

  private async validate(): Promise<void> {
    const settings = this.plan.spec.pipeline.validation;
    const rejected: Record<string, number> = {};
    for (const t of this.progress.tables) rejected[t.mappingId] = t.rowsRejected;
    if (!settings.rowCount && !settings.checksum && this.plan.spec.pipeline.rules.length === 0) return;
    this.validation = await validateTables(this.plan.mappings, this.source, this.target, {
      ...settings,
      rejected,
      targetBefore: this.targetBefore,
      signal: this.signal,
    });
    this.ruleResults = await checkRules(this.plan.spec.pipeline.rules, {
      source: this.source,
      target: this.target,
    });
    const problems = [
      ...this.validation.flatMap((v) => v.problems.map((p) => `${v.table}: ${p}`)),
      ...this.ruleResults.filter((r) => !r.ok).map((r) => `rule "${r.name}" ${r.message}`),
    ];
    if (problems.length > 0)
      throw new DataBridgeError('validation_failed', `validation failed: ${problems.join('; ')}`);
  }

  private hookResults: HookResult[] = [];
  /** Warnings found while running, reported beside the plan's. */
  private readonly runtimeWarnings: PlanWarning[] = [];
  /** Every task reached its last checkpoint: a resume would have nothing left to do. */
  private allTasksDone = false;
  private ruleResults: RuleResult[] = [];

  /** Runs a phase's hooks; a failure stops the run, is remembered (continue) or logged (skip_and_log). */
  private async hooks(phase: 'pre' | 'post'): Promise<void> {
    const hooks = this.plan.spec.pipeline.hooks[phase];
    if (hooks.length === 0) return;
    const results = await runHooks(hooks, phase, { source: this.source, target: this.target });
    for (const r of results)
      this.log[r.ok ? 'info' : 'error'](`${phase} hook ${r.name} ${r.ok ? 'ran' : 'failed'}`, {
        seconds: r.seconds,
        output: r.output,
      });
    this.hookResults.push(...results);
    const failed = results.find((r) => !r.ok);
    if (failed && this.plan.spec.pipeline.errorPolicy === 'fail_fast') {
      throw new DataBridgeError(
        'hook_failed',
        `${phase} hook "${failed.name}" failed on the ${failed.on}: ${failed.output}`,
      );
    }
  }

  private failIfHooksFailedUnderContinue(): void {
    const failed = this.hookResults.filter((r) => !r.ok);
    if (failed.length === 0 || this.plan.spec.pipeline.errorPolicy !== 'continue') return;
    throw new DataBridgeError(
      'hook_failed',
      failed.map((f) => `${f.phase} hook "${f.name}" failed on the ${f.on}: ${f.output}`).join('; '),
    );
  }

  /** Under `continue` every table was loaded as far as it would go; rejected rows now fail the run. */
  private failIfRejectedUnderContinue(): void {
    if (this.plan.spec.pipeline.errorPolicy !== 'continue') return;
    const tables = this.progress.tables.filter((t) => t.rowsRejected > 0);
    if (tables.length === 0) return;
    const total = tables.reduce((n, t) => n + t.rowsRejected, 0);
    const lines = tables.flatMap((t) =>
      this.rejects
        .samplesOf(t.mappingId)
        .slice(0, 5)
        .map((r) => `${t.target}${r.column ? `.${r.column}` : ''}: ${r.reason}`),
    );
    throw new DataBridgeError(
      'bad_value',
      `${total} row(s) rejected in ${tables.map((t) => `${t.target} (${t.rowsRejected})`).join(', ')} (error policy continue): ${lines.join('; ')}`,
    );
  }

  private table(mappingId: string): TableProgress {
    return this.progress.tables.find((t) => t.mappingId === mappingId)!;
  }

  private finishTable(mappingId: string, status: 'completed' | 'failed'): void {
    const t = this.table(mappingId);
    this.log[status === 'failed' ? 'error' : 'info'](`${t.source} -> ${t.target} ${status}`, {
      mappingId,
      rowsWritten: t.rowsWritten,
      rowsRejected: t.rowsRejected,
    });
    t.status = status;
    t.endedAt = Date.now();
    t.startedAt ??= t.endedAt;
    this.options.onProgress?.(this.progress);
  }

  /**
   * Counts as committed: progress counted pages as they were written, but a failed or stopped run
   * rolled its last batch back; the checkpoints in the target say what is really there.
   */
  private async reconcileWithCheckpoints(): Promise<void> {
    const committed = await this.target.readCheckpoints(this.runId).catch(() => []);
    const tasks = this.state.tasks(this.runId);
    this.allTasksDone =
      tasks.length > 0 && tasks.every((task) => committed.some((c) => c.taskId === task.id && c.done));
    for (const t of this.progress.tables) {
      const own = committed.filter((c) =>
        tasks.some((task) => task.id === c.taskId && task.mappingId === t.mappingId),
      );
      const written = own.reduce((n, c) => n + c.rowsWritten, 0);
      const rejected = own.reduce((n, c) => n + decodePosition(c.position).rejected, 0);
      const stoppedRejects = Math.max(0, t.rowsRejected - rejected);
      t.rowsWritten = written;
      t.rowsRejected = rejected + stoppedRejects;
      t.rowsRead = written + t.rowsRejected;
    }
  }

  private async finish(outcome: RunOutcome, failure: unknown): Promise<RunSummary> {
    if (outcome !== 'completed') await this.reconcileWithCheckpoints();
    const endedAt = new Date();
    const tables = this.progress.tables.map((t) => {
      const seconds = tableSeconds(t);
      return {
        mappingId: t.mappingId,
        source: t.source,
        target: t.target,
        stage: t.stage,
        rowsRead: t.rowsRead,
        rowsWritten: t.rowsWritten,
        rowsRejected: t.rowsRejected,
        seconds,
        rowsPerSecond: seconds > 0 ? Math.round(t.rowsWritten / seconds) : 0,
        rejectsFile: this.rejects.fileOf(t.mappingId),
      };
    });
    const loadSeconds = this.progress.stages
      .filter((s) => s.id === 'load_dimensions' || s.id === 'load_facts')
      .reduce((n, s) => n + (s.startedAt && s.endedAt ? (s.endedAt - s.startedAt) / 1000 : 0), 0);
    const rowsWritten = tables.reduce((n, t) => n + t.rowsWritten, 0);
    const summary: RunSummary = {
      runId: this.runId,
      specName: this.plan.spec.name,
      status: outcome,
      error: failure
        ? { code: isDataBridgeError(failure) ? failure.code : 'internal', message: messageOf(failure) }
        : null,
      source: maskPassword(this.plan.spec.source.url),
      target: maskPassword(this.plan.spec.target.url),
      startedAt: this.startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      seconds: (endedAt.getTime() - this.startedAt.getTime()) / 1000,
      stages: this.progress.stages.map((s) => ({
        id: s.id,
        status: s.id === 'report' ? 'completed' : s.status,
        seconds: s.startedAt ? ((s.endedAt ?? Date.now()) - s.startedAt) / 1000 : 0,
      })),
      tables,
      totals: {
        rowsRead: tables.reduce((n, t) => n + t.rowsRead, 0),
        rowsWritten,
        rowsRejected: tables.reduce((n, t) => n + t.rowsRejected, 0),
        rowsPerSecond: loadSeconds > 0 ? Math.round(rowsWritten / loadSeconds) : 0,
      },
      warnings: [...this.plan.warnings, ...this.runtimeWarnings],
      validation: this.validation,
      hooks: this.hookResults,
      rules: this.ruleResults,
      rejectedRows: this.progress.tables.flatMap((t) => this.rejects.samplesOf(t.mappingId)),
      report: null,
      log: this.log.file,
      resumeWith:
        outcome === 'completed' || isBadInput(failure) || this.allTasksDone
          ? null
          : `databridge run <spec> --resume ${this.runId}`,
    };
    this.state.finishRun(this.runId, outcome, summary);
    const report = writeReport(summary, this.options.reportsDir);
    return { ...summary, report };
  }
}

function isBadInput(error: unknown): boolean {
  return isDataBridgeError(error) && error.isBadInput;
}
