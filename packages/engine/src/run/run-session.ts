import { join, resolve } from 'node:path';
import type { ArtefactStore } from '../artefacts/artefact-store.ts';
import { LocalFolderStore } from '../artefacts/local-folder-store.ts';
import { failedWith, isTransientFailure } from '../connectors/classify-error.ts';
import type { Checkpoint, Connection, SqliteFolder } from '../connectors/connection.ts';
import { openConnection } from '../connectors/open.ts';
import { DataBridgeError, messageOf } from '../errors.ts';
import { buildPlan } from '../plan/build-plan.ts';
import { checkKeyConflicts } from '../plan/check-key-conflicts.ts';
import { checkSourceQueries } from '../plan/check-source-queries.ts';
import { measureTypeWarnings } from '../plan/measure-type-warnings.ts';
import type { MigrationPlan, PlannedMapping, StageId } from '../plan/plan-types.ts';
import { schemaDdl, withSchemaWarnings } from '../plan/schema-ddl.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import { checkDirect } from '../staging/check-direct.ts';
import { checkStageable } from '../staging/check-stageable.ts';
import { cleanseFaults, cleanseRemoved } from '../staging/cleanse-counts.ts';
import { cleanseStaged } from '../staging/cleanse-stage.ts';
import { withoutSqlTransforms } from '../staging/cleanse-transforms.ts';
import { recordStagedRunning, settleStaging } from '../staging/settle-staging.ts';
import { describeSnapshot } from '../staging/snapshot-words.ts';
import { type ExtractSnapshot, stageExtract } from '../staging/staged-extract.ts';
import { StagedSource } from '../staging/staged-source.ts';
import { resolveStaging, type StagingDatabase } from '../staging/staging-config.ts';
import { stagingSchemaName } from '../staging/staging-schemas.ts';
import { buildAfterLoad } from './build-after-load.ts';
import { foreignKeyProblems } from './check-foreign-keys.ts';
import { RowChecksum, type ServerSumState } from './checksum.ts';
import { deferForeignKeys, restoreForeignKeys, tablesToDefer } from './deferred-foreign-keys.ts';
import { ExtractArchiveTask } from './extract-archive-task.ts';
import { fillDeferredColumns } from './fill-deferred.ts';
import { type HookResult, runHooks } from './hooks.ts';
import { decodePosition, type Position } from './key-codec.ts';
import { openPair, openStagedPair } from './open-pair.ts';
import { levelsMayOverlap } from './overlap-levels.ts';
import { canPassThrough, isRowLevelFailure, runPassThroughTask } from './pass-through-task.ts';
import { STOP_NOW } from './paused.ts';
import { decodePlan, encodePlan } from './plan-codec.ts';
import { planTasks } from './plan-tasks.ts';
import { type ReadLayout, readLayout } from './read-layout.ts';
import { RejectLog } from './reject-log.ts';
import { rejectOrphans } from './reject-orphans.ts';
import type { RejectedRow } from './rejected-row.ts';
import { identity } from './row-transform.ts';
import { RunLog, type RunLogEntry } from './run-log.ts';
import type { NewRun, RunRecord, RunStateStore, TaskRecord } from './run-state.ts';
import type { RunOutcome } from './run-summary.ts';
import { type BatchStats, runTask, type TaskContext, type TaskResult } from './run-task.ts';
import { type CompiledMapping, compileMapping } from './sample-rows.ts';
import { deleteGoneRows, finishSync, withSyncWindows } from './sync-stage.ts';
import type { SyncRange } from './sync-window.ts';
import { TaskThreads } from './threads/task-threads.ts';
import { canRunOnThread, runThreadedTask } from './threads/threaded-task.ts';
import { sumWhileLoading, validateTables } from './validate.ts';
import { checkRules } from './validation-rules.ts';

export interface SessionOptions {
  readonly spec: MigrationSpec;
  /** Identifies the spec's content; recorded with the run. */
  readonly specHash: string;
  readonly runId: string;
  readonly state: RunStateStore;
  readonly reportsDir: string;
  readonly lineOf?: (path: readonly (string | number)[]) => string;
  /** Stops every long operation of the session (pause, cancel, a failed sibling task). */
  readonly signal: AbortSignal;
  /** Receives every log line written at or above the pipeline's level. */
  readonly onLog?: (entry: RunLogEntry) => void;
  /**
   * After an abort (a pause, a shutdown, Ctrl-C), how long a statement in flight may run on to its
   * batch boundary before it is ended; an abort with the reason STOP_NOW (a cancel) ends it at once.
   * Default 10 s.
   */
  readonly stopGraceMs?: number;
  /** A server's confinement of SQLite files and statements (none for the CLI). */
  readonly sqliteFolder?: SqliteFolder;
  /**
   * A backfill of a date range: incremental mappings read the rows whose cursor falls in it instead
   * of those past their saved cursor, which the run neither uses nor moves.
   */
  readonly syncRange?: SyncRange;
  /**
   * The staging database configured (STAGING_DATABASE_URL, `--staging`), checked against the spec's
   * `pipeline.staging` before any database is opened.
   */
  readonly staging?: StagingDatabase;
  /**
   * Where the extract archive goes (`pipeline.extractArchive`), under `<run id>/extracts/`: the
   * object store of a server, else the local folder `reportsDir` (the default).
   */
  readonly artefacts?: ArtefactStore;
  /** Rows per extract archive part (see extract-archive-task.ts). Default 1,000,000. */
  readonly extractPartRows?: number;
}

/** How long a statement may run on after a pause or shutdown; see SessionOptions.stopGraceMs. */
export const STOP_GRACE_MS = 10_000;

/** Between asking the server to cancel a statement and ending its session. */
const CANCEL_GRACE_MS = 2_000;

/** Source tables at least this large (by statistics) are counted by estimate where counting is slow. */
const ESTIMATE_ABOVE = 100_000;

export interface ExtractResult {
  readonly tasks: readonly TaskRecord[];
  readonly rowsTotal: NewRun['rowsTotal'];
  /** The target's committed checkpoints of this run by task id (a resume starts from them). */
  readonly checkpoints: ReadonlyMap<string, Checkpoint>;
}

export interface TaskHandlers {
  onBatch(stats: BatchStats): void;
  /** Rejected rows: committed with their batch, or (`stopped`) the rows that stopped the run. */
  onRejected(rows: readonly RejectedRow[], stopped: boolean): void;
}

/**
 * One process's handle on a run: its connections, its plan and its state, with one method per stage
 * piece. The CLI and the in-process executor call them in order in one session; BullMQ workers open a
 * session per job (cached per run) and call the one the job names. Every method can be repeated after
 * a crash: work already committed is found in the checkpoints and the run state and not done twice.
 */
export class RunSession {
  readonly log: RunLog;
  readonly rejects: RejectLog;
  private compiled: Map<string, CompiledMapping> | undefined;
  private endingInFlight: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  /** Loader threads, started by the first task that can use them (undefined: none yet; null: none). */
  private threads: TaskThreads | null | undefined;

  private constructor(
    readonly options: SessionOptions,
    readonly plan: MigrationPlan,
    readonly source: Connection,
    readonly target: Connection,
    /** A staged run's staging database and schema; undefined when rows stream directly. */
    readonly staged?: { readonly connection: Connection; readonly schema: string },
  ) {
    const dir = resolve(options.reportsDir, options.runId);
    this.rejects = new RejectLog(join(dir, 'rejects'));
    this.log = new RunLog(join(dir, 'run.log'), options.spec.pipeline.logLevel, options.onLog);
    // Batch boundaries see the signal; a statement blocked on a lock never reaches one.
    const onAbort = () => {
      const grace = options.signal.reason === STOP_NOW ? 0 : (options.stopGraceMs ?? STOP_GRACE_MS);
      this.endingInFlight = setTimeout(() => void this.endInFlight(), grace);
      this.endingInFlight.unref();
    };
    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
  }

  /**
   * Ends the statements still in flight on every database of the run, the staging one included (a
   * cleanse statement may run long; its transaction rolls back and a resume does it again); see
   * Connection.cancelInFlight.
   */
  private async endInFlight(): Promise<void> {
    await Promise.allSettled([
      this.source.cancelInFlight?.(CANCEL_GRACE_MS),
      this.target.cancelInFlight?.(CANCEL_GRACE_MS),
      this.staged?.connection.cancelInFlight?.(CANCEL_GRACE_MS),
    ]);
  }

  /**
   * Opens the source and target and makes the plan, or takes the plan the run started with from the
   * run state. A new plan is checked against the databases (source queries, key conflicts); bad input
   * throws here, before any row moves.
   */
  static async open(options: SessionOptions): Promise<RunSession> {
    const staging = resolveStaging(options.spec, options.staging);
    const record = await options.state.getRun(options.runId);
    const { source, target } =
      staging && record?.plan
        ? await openStagedPair(options.spec, options.sqliteFolder)
        : await openPair(options.spec, options.sqliteFolder);
    let stagingConnection: Connection | undefined;
    try {
      const plan = record?.plan
        ? decodePlan(record.plan, options.spec)
        : await withSyncWindows(await planRun(options, source, target), options, source, target);
      if (!staging) {
        checkDirect(plan);
        return new RunSession(options, plan, source, target);
      }
      checkStageable(plan);
      stagingConnection = await openConnection(staging.url, {
        poolSize: options.spec.pipeline.parallelism * 2 + 2,
      });
      const schema = stagingSchemaName(options.runId);
      await recordStagedRunning(stagingConnection, options.spec, options.runId, schema);
      return new RunSession(options, plan, source, target, { connection: stagingConnection, schema });
    } catch (error) {
      await Promise.allSettled([source.close(), target.close(), stagingConnection?.close()]);
      throw error;
    }
  }

  get runId(): string {
    return this.options.runId;
  }

  get signal(): AbortSignal {
    return this.options.signal;
  }

  get settings() {
    return this.plan.spec.pipeline;
  }

  mapping(id: string): PlannedMapping {
    const mapping = this.plan.mappings.find((m) => m.id === id);
    if (!mapping) throw new DataBridgeError('internal', `run ${this.runId} has no mapping ${id}`);
    return mapping;
  }

  /**
   * The extract stage: runs the pre hooks (once per run, even across a resume: they may empty a table
   * the counts must see emptied), counts the source rows, creates missing target tables, splits the
   * tables into key-range tasks and records the run. A run that exists already is picked up as is.
   */
  async extract(): Promise<ExtractResult> {
    const { state } = this.options;
    let record = await state.getRun(this.runId);
    const hooksPending = !record?.preHooksDone;
    if (hooksPending) await this.hooks('pre');
    await this.target.ensureCheckpointTable();
    if (record) {
      await state.markRunning(this.runId);
      // A process killed while creating the tables left some of them: create the rest.
      await this.createMissingTables({ resuming: true });
    } else {
      const rowsTotal = await this.countSource();
      const counts = new Map(Object.entries(rowsTotal).map(([id, c]) => [id, c.rows]));
      const tasks = await planTasks(this.plan.mappings, this.source, counts, this.settings);
      const targetBefore: Record<string, number> = {};
      for (const m of this.plan.mappings) {
        const key = `${m.target.schema}.${m.target.name}`;
        targetBefore[key] = m.createTarget ? 0 : await this.target.reader.count(m.target);
      }
      await state.createRun(
        {
          id: this.runId,
          specName: this.plan.spec.name,
          specHash: this.options.specHash,
          startedAt: new Date().toISOString(),
          targetBefore,
          plan: encodePlan(this.plan),
          rowsTotal,
        },
        tasks,
      );
      // Only now, with the run recorded: a process killed from here on leaves a run that knows the
      // tables it creates and the foreign keys it owes them, for a resume to finish.
      await this.createMissingTables({ resuming: false });
      const deferrable = tablesToDefer(this.plan.mappings, this.settings, targetBefore);
      await deferForeignKeys(this.target, state, this.runId, deferrable, this.log);
      record = (await state.getRun(this.runId))!;
    }
    if (hooksPending) await state.markPreHooksDone(this.runId);
    // Runs recorded before totals were kept count again.
    const rowsTotal = Object.keys(record.rowsTotal).length > 0 ? record.rowsTotal : await this.countSource();
    const tasks = await state.tasks(this.runId);
    if (this.staged) {
      const snapshot = await stageExtract({
        runId: this.runId,
        schema: this.staged.schema,
        staging: this.staged.connection,
        source: this.source,
        tasks,
        mapping: (id) => this.mapping(id),
        layout: (id) => this.transforms().get(id)!.layout,
        batchSize: this.settings.batchSize,
        parallelism: this.settings.parallelism,
        signal: this.signal,
      });
      if (snapshot) await this.noteSnapshot(snapshot);
    }
    return { tasks, rowsTotal, checkpoints: await this.checkpoints() };
  }

  async record(): Promise<RunRecord> {
    const record = await this.options.state.getRun(this.runId);
    if (!record) throw new DataBridgeError('internal', `run ${this.runId} has not been extracted`);
    return record;
  }

  /** The target's committed checkpoints of this run, by task id. */
  async checkpoints(): Promise<Map<string, Checkpoint>> {
    return new Map((await this.target.readCheckpoints(this.runId)).map((c) => [c.taskId, c]));
  }

  private async countSource(): Promise<NewRun['rowsTotal']> {
    const totals: Record<string, { rows: number; estimate: boolean }> = {};
    await Promise.all(
      this.plan.mappings.map(async (m) => {
        // InnoDB counts by scanning the whole table (a second per million rows); for a large table
        // without a filter its statistics are close enough for a progress bar and a key-range split.
        const estimate =
          this.source.dialect.name === 'mysql' && !m.where && m.source.rowEstimate >= ESTIMATE_ABOVE;
        const rows = estimate ? m.source.rowEstimate : await this.source.reader.count(m.source, m.where);
        totals[m.id] = { rows, estimate };
      }),
    );
    return totals;
  }

  private async createMissingTables(options: { resuming: boolean }): Promise<void> {
    // Enum types, then the tables. PostgreSQL and MySQL leave foreign keys out (added after the
    // load); SQLite, which cannot add them later, writes them inline and does not enforce them while loading.
    for (const statement of this.schemaDdl().beforeLoad) {
      try {
        await this.target.query(statement.sql);
      } catch (error) {
        if (!(options.resuming && failedWith(error, 'already_exists'))) throw error;
      }
    }
  }

  /** The DDL of the tables this run creates (what `databridge plan --ddl` prints). */
  schemaDdl() {
    return schemaDdl(this.plan.mappings, this.target.dialect, this.settings);
  }

  /**
   * The transform stage: compiles each mapping's row function (its queries were checked with the
   * plan). In a staged run the string operations the cleanse applies in SQL are left out of it.
   */
  transforms(): Map<string, CompiledMapping> {
    const dialects = { source: this.source.dialect.name, target: this.target.dialect.name };
    const atLoad = (m: PlannedMapping) => (this.staged ? withoutSqlTransforms(m, readLayout(m)) : m);
    this.compiled ??= new Map(
      this.plan.mappings.map((m) => [m.id, compileMapping(atLoad(m), this.settings, dialects)]),
    );
    return this.compiled;
  }

  /**
   * The cleanse half of the transform stage, staged runs only: the SQL transformations, checks and
   * de-duplication in the staging database, rows taken out before anything is loaded (see
   * staging/cleanse-stage.ts). Under fail_fast a row taken out for a fault fails the run here, and
   * again on a resume; duplicates dropped by `keep: first | last` are not faults.
   */
  async cleanse(): Promise<void> {
    if (!this.staged) return;
    const summaries = await cleanseStaged({
      runId: this.runId,
      schema: this.staged.schema,
      staging: this.staged.connection,
      mappings: this.plan.mappings,
      specMappings: this.plan.spec.mappings,
      tasks: await this.options.state.tasks(this.runId),
      layout: (id) => this.transforms().get(id)!.layout,
      checkNotNull: this.settings.validation.rows,
      state: this.options.state,
      rejects: this.rejects,
      signal: this.signal,
    });
    for (const s of summaries) {
      const words = s.steps.map((step) => `${step.step} ${step.rejected}`).join(', ');
      this.log.info(
        `cleanse of ${s.table}: ${s.staged} staged, taken out: ${words}; ${s.passed} left to load`,
        {
          mappingId: s.mappingId,
        },
      );
    }
    const faults = summaries.filter((s) => cleanseFaults(s) > 0);
    if (faults.length === 0 || this.settings.errorPolicy !== 'fail_fast') return;
    const samples = await this.options.state.rejectedSamples(this.runId);
    const first = samples.find((r) => r.mappingId === faults[0]!.mappingId);
    throw new DataBridgeError(
      'bad_value',
      `${faults.map((s) => `${cleanseFaults(s)} row(s) of ${s.table}`).join(', ')} rejected by the cleanse stage before the load (error policy fail_fast)${first ? `: ${first.column ? `${first.column}: ` : ''}${first.reason}` : ''}`,
    );
  }

  /**
   * Loads one task from its last checkpoint: bytes straight through where source and target allow
   * it, else row by row. Rejected rows go to the rejects file and the run state's samples.
   */
  async loadTask(task: TaskRecord, handlers: TaskHandlers): Promise<TaskResult> {
    const mapping = this.mapping(task.mappingId);
    const { layout, transform } = this.transforms().get(mapping.id)!;
    const samples: Promise<void>[] = [];
    const source = await this.loadSource();
    const sourceSum = sumWhileLoading(
      mapping,
      source,
      this.target,
      this.settings.validation.checksum,
      layout.valueIndex,
    );
    const context: TaskContext = {
      runId: this.runId,
      task,
      mapping,
      layout,
      transform,
      source,
      target: this.target,
      batchSize: this.settings.batchSize,
      policy: this.settings.errorPolicy,
      checkpoint: (await this.checkpoints()).get(task.id),
      ...(sourceSum ? { sourceSum } : {}),
      ...this.extractArchive(mapping, layout, task),
      signal: this.signal,
      onBatch: (b) => {
        this.log.debug(`page of ${b.rowsRead} rows into ${mapping.target.name}`, {
          taskId: task.id,
          written: b.rowsWritten,
          readMs: Math.round(b.readMs),
          writeMs: Math.round(b.writeMs),
        });
        handlers.onBatch(b);
      },
      onRejected: (rows, stopped) => {
        if (rows.length === 0) return;
        this.rejects.record(rows);
        samples.push(this.options.state.addRejectedSamples(this.runId, mapping.id, rows));
        this.log.warning(
          `${rows.length} row(s) rejected in ${mapping.target.schema}.${mapping.target.name}`,
          {
            mappingId: mapping.id,
            first: rows[0]!.reason,
          },
        );
        handlers.onRejected(rows, stopped);
      },
    };
    // Bytes passed straight through are not rows: an archived run reads them as rows.
    const passThrough =
      transform === identity && !context.archive && canPassThrough(mapping, source, this.target);
    const threads = passThrough ? undefined : this.loaderThreads(mapping, context);
    try {
      if (!passThrough && !threads) return await runTask(context);
      try {
        return threads
          ? await runThreadedTask(context, threads, {
              url: this.options.spec.source.url,
              options: this.threadConnectOptions(),
              settings: this.settings,
              source,
            })
          : await runPassThroughTask(context);
      } catch (error) {
        if (!isRowLevelFailure(error)) throw error;
        // The database refused a row of a byte batch: go on from the last checkpoint on the parsed
        // path, which finds the row and applies the error policy to it.
        return await runTask({ ...context, checkpoint: (await this.checkpoints()).get(task.id) });
      }
    } finally {
      await Promise.all(samples);
    }
  }

  /**
   * The run's loader threads when this task can read and convert its rows on one: a direct run (a
   * staged one reads the staging database through this session) into a target that takes COPY text.
   */
  private loaderThreads(mapping: PlannedMapping, context: TaskContext): TaskThreads | undefined {
    if (this.staged || !canRunOnThread(mapping, context)) return undefined;
    if (this.threads === undefined)
      this.threads = TaskThreads.forRun(this.source.dialect.name, this.settings.parallelism) ?? null;
    return this.threads ?? undefined;
  }

  /** How a loader thread opens the source: as the session did, one reader per task and one spare. */
  private threadConnectOptions() {
    return {
      poolSize: this.settings.parallelism + 1,
      stallTimeoutMs: this.options.spec.pipeline.stallTimeoutSeconds * 1000,
      ...(this.options.sqliteFolder ? { sqliteFolder: this.options.sqliteFolder } : {}),
    };
  }

  /** The task's extract archive, when the spec asks for one (`pipeline.extractArchive`). */
  private extractArchive(
    mapping: PlannedMapping,
    layout: ReadLayout,
    task: TaskRecord,
  ): Pick<TaskContext, 'archive'> {
    if ((this.settings.extractArchive ?? 'none') === 'none') return {};
    const settings = {
      store: this.options.artefacts ?? new LocalFolderStore(this.options.reportsDir),
      runId: this.runId,
      signal: this.signal,
      ...(this.options.extractPartRows ? { partRows: this.options.extractPartRows } : {}),
    };
    return {
      archive: (resumed) => new ExtractArchiveTask(settings, mapping, layout, task.id, resumed),
    };
  }

  /**
   * After a load stage's last task: fills the columns deferred to break foreign-key cycles, and once
   * every table is in, adds the foreign keys of created tables (checked once, not row by row). Keys
   * dropped from existing tables for the load come back in the validate stage, checked while the
   * counts and checksums run.
   */
  async finishLoadStage(stageId: 'load_dimensions' | 'load_facts'): Promise<void> {
    const mappings = this.plan.mappings.filter((m) => m.stage === stageId);
    for (const m of mappings) {
      await fillDeferredColumns(m, this.source, this.target, {
        batchSize: this.settings.batchSize,
        signal: this.signal,
      });
    }
    const lastLoadStage = this.plan.mappings.some((m) => m.stage === 'load_facts')
      ? 'load_facts'
      : 'load_dimensions';
    if (stageId !== lastLoadStage) return;
    if (this.settings.errorPolicy !== 'fail_fast') await this.rejectOrphanRows();
    await this.buildCreatedSchema();
    await this.addCreatedForeignKeys();
  }

  /**
   * Adds back the foreign keys dropped for the load, each checked in one pass. Also called when a run
   * ends otherwise (failed, cancelled), so that a target is never left without its constraints; then
   * constraints already found broken are left as they are.
   */
  async restoreDeferredForeignKeys(options: { strict: boolean; skipUnchecked?: boolean }): Promise<void> {
    // The keys' states carry what went wrong; the report words it from the state at its time.
    await restoreForeignKeys(this.target, this.options.state, this.runId, this.log, {
      ...options,
      parallelism: this.settings.parallelism,
    });
  }

  /** Children of rejected parent rows in the created tables, rejected in turn (reject-orphans.ts). */
  private async rejectOrphanRows(): Promise<void> {
    const found = await rejectOrphans(this.target, this.plan.mappings);
    const { state } = this.options;
    if (found.rows.length > 0) {
      this.rejects.record(found.rows);
      for (const [id, n] of Object.entries(found.counts)) {
        const rows = found.rows.filter((r) => r.mappingId === id);
        await state.addRejectedSamples(this.runId, id, rows);
        this.log.warning(`${n} row(s) rejected in ${rows[0]!.table}: their parent row was rejected`, {
          mappingId: id,
          first: rows[0]!.reason,
        });
      }
      // Added to what an earlier pass (before a resume) took out: those rows are gone already.
      const earlier = (await state.notes(this.runId)).orphansRejected;
      const total = { ...earlier };
      for (const [id, n] of Object.entries(found.counts)) total[id] = (total[id] ?? 0) + n;
      await state.saveNotes(this.runId, { orphansRejected: total });
    }
    if (found.skipped.length > 0) {
      const warnings = [...(await state.notes(this.runId)).warnings];
      for (const fk of found.skipped)
        warnings.push({
          kind: 'foreign_key',
          table: fk.split(' ')[0]!,
          message: `rows of ${fk} whose parent row was rejected could not be looked for (MySQL cannot for a self-reference)`,
          fix: 'delete them by hand (see the rejects files for the parents), then add the constraint',
        });
      await state.saveNotes(this.runId, { warnings });
    }
  }

  /** Indexes, identities, defaults, triggers and comments of the created tables (build-after-load.ts). */
  private async buildCreatedSchema(): Promise<void> {
    const warnings = await buildAfterLoad(this.target, this.schemaDdl().afterLoad, {
      parallelism: this.settings.parallelism,
      strict: this.settings.errorPolicy === 'fail_fast',
      log: this.log,
    });
    if (warnings.length === 0) return;
    const earlier = (await this.options.state.notes(this.runId)).warnings;
    await this.options.state.saveNotes(this.runId, { warnings: [...earlier, ...warnings] });
  }

  private async addCreatedForeignKeys(): Promise<void> {
    const done = new Set<string>();
    const warnings = [...(await this.options.state.notes(this.runId)).warnings];
    for (const m of this.plan.mappings) {
      const key = `${m.target.schema}.${m.target.name}`;
      if (!m.createTarget || done.has(key)) continue;
      done.add(key);
      for (const sql of this.target.dialect.addForeignKeys(m.target, m.target)) {
        try {
          await this.target.query(sql);
        } catch (error) {
          // A repeated stage finds its constraint there already.
          if (failedWith(error, 'already_exists')) continue;
          // A lost connection is no verdict on the rows: fail, so that a retry or a resume adds it.
          if (isTransientFailure(error)) throw error;
          // Under fail_fast no row was rejected, so a refusal is real. Otherwise a rejected parent
          // row may leave children without it: the rows stay loaded, the constraint is reported.
          if (this.settings.errorPolicy === 'fail_fast') throw error;
          warnings.push({
            kind: 'foreign_key',
            table: key,
            message: `a foreign key was not created: ${messageOf(error)}`,
            fix: 'fix or reload the rejected parent rows (see the rejects files), then add the constraint',
          });
          this.log.warning(`foreign key on ${key} not created`, { error: messageOf(error) });
        }
      }
    }
    await this.options.state.saveNotes(this.runId, { warnings });
  }

  /**
   * The validate stage: post hooks, then counts and checksums against the source, then the custom
   * rules. What differs fails the run with every difference named.
   */
  async validate(): Promise<void> {
    const restore = () =>
      this.restoreDeferredForeignKeys({ strict: this.settings.errorPolicy === 'fail_fast' });
    // Post hooks and an incremental run's deletes see the target with its keys back, as after any
    // load. Without them, the keys come back and scan their tables while the counts and checksums
    // read the same tables (reads and a key check do not block each other): one wait, not two.
    const keysFirst = this.settings.hooks.post.length > 0 || this.plan.mappings.some((m) => m.sync);
    if (keysFirst) await restore();
    await this.hooks('post');
    await deleteGoneRows(this);
    await this.checkRows(keysFirst ? Promise.resolve() : restore());
    await finishSync(this);
  }

  /**
   * Counts, checksums and rules, and the foreign keys once `keysBack` has added them back; what
   * differs fails the run with every difference named.
   */
  private async checkRows(keysBack: Promise<void>): Promise<void> {
    const settings = this.settings.validation;
    const checked = settings.rowCount || settings.checksum || this.settings.rules.length > 0;
    const [keysDone, counted] = await Promise.allSettled([
      keysBack,
      checked ? this.countAndSum() : Promise.resolve(undefined),
    ]);
    if (keysDone.status === 'rejected') throw keysDone.reason;
    if (counted.status === 'rejected') throw counted.reason;
    const notes = await this.options.state.notes(this.runId);
    const keys = await foreignKeyProblems(
      this.target,
      this.plan.mappings,
      notes.deferredForeignKeys,
      notes.warnings,
    );
    const { validation = [], rules = [] } = counted.value ?? {};
    if (counted.value) await this.options.state.saveNotes(this.runId, { validation, rules });
    const problems = [
      ...validation.flatMap((v) => v.problems.map((p) => `${v.table}: ${p}`)),
      ...rules.filter((r) => !r.ok).map((r) => `rule "${r.name}" ${r.message}`),
      ...keys,
    ];
    if (problems.length > 0)
      throw new DataBridgeError('validation_failed', `validation failed: ${problems.join('; ')}`);
  }

  /** Each target table against its sources (counts, checksums), and the custom rules. */
  private async countAndSum() {
    const record = await this.record();
    const committed = await this.committedTasks();
    const validation = await validateTables(this.plan.mappings, await this.loadSource(), this.target, {
      ...this.settings.validation,
      rejected: await this.rejectedByMapping(committed),
      targetBefore: record.targetBefore,
      sourceSums: this.sourceSumsFromLoad(committed),
      concurrency: this.settings.parallelism,
      signal: this.signal,
    });
    const rules = await checkRules(this.settings.rules, { source: this.source, target: this.target });
    return { validation, rules };
  }

  /** Every task of the run with the position of its committed checkpoint, if it has one. */
  private async committedTasks(): Promise<CommittedTask[]> {
    const [tasks, checkpoints] = await Promise.all([
      this.options.state.tasks(this.runId),
      this.checkpoints(),
    ]);
    return tasks.map((t) => {
      const c = checkpoints.get(t.id);
      return { mappingId: t.mappingId, done: c?.done ?? false, position: c && decodePosition(c.position) };
    });
  }

  /**
   * The source checksums the load tasks computed while reading, by mapping: only for mappings whose
   * every task finished with a sum in its checkpoint (a task resumed from a byte pass-through has none).
   */
  private sourceSumsFromLoad(
    committed: readonly CommittedTask[],
  ): Record<string, { rows: number; digest: string }> {
    const sums: Record<string, { rows: number; digest: string }> = {};
    for (const m of this.plan.mappings) {
      const own = committed.filter((t) => t.mappingId === m.id);
      const states = own.map((t) => (t.done ? t.position?.sum : undefined));
      if (states.length === 0 || states.some((s) => s === undefined)) continue;
      sums[m.id] = RowChecksum.combine(states as ServerSumState[]);
      this.log.info(
        `source checksum of ${m.target.schema}.${m.target.name} from the rows read during the load`,
        { tasks: states.length },
      );
    }
    return sums;
  }

  /** Rows rejected so far by mapping, as the committed checkpoints record them. */
  async rejectedByMapping(committed?: readonly CommittedTask[]): Promise<Record<string, number>> {
    const rejected: Record<string, number> = {};
    for (const m of this.plan.mappings) rejected[m.id] = 0;
    for (const t of committed ?? (await this.committedTasks()))
      if (t.position) rejected[t.mappingId]! += t.position.rejected;
    // Children taken out after the load because their parent row was rejected (reject-orphans.ts).
    const notes = await this.options.state.notes(this.runId);
    for (const [id, n] of Object.entries(notes.orphansRejected)) if (id in rejected) rejected[id]! += n;
    // Rows a staged run's cleanse took out before the load.
    for (const m of this.plan.mappings) rejected[m.id]! += cleanseRemoved(notes.cleanse[m.id]);
    return rejected;
  }

  /**
   * The error policy's verdict once everything ran: under `continue`, rejected rows and failed hooks
   * fail the run now that every table was loaded as far as it would go.
   */
  async checkPolicy(): Promise<void> {
    if (this.settings.errorPolicy !== 'continue') return;
    const rejected = await this.rejectedByMapping();
    // Duplicates that `dedupe: keep first | last` dropped were asked for: they fail nothing.
    const { cleanse } = await this.options.state.notes(this.runId);
    for (const m of this.plan.mappings)
      rejected[m.id]! -= cleanseRemoved(cleanse[m.id]) - cleanseFaults(cleanse[m.id]);
    const tables = this.plan.mappings.filter((m) => rejected[m.id]! > 0);
    if (tables.length > 0) {
      const samples = await this.options.state.rejectedSamples(this.runId);
      const name = (m: PlannedMapping) => `${m.target.schema}.${m.target.name}`;
      const lines = tables.flatMap((m) =>
        samples
          .filter((r) => r.mappingId === m.id)
          .slice(0, 5)
          .map((r) => `${name(m)}${r.column ? `.${r.column}` : ''}: ${r.reason}`),
      );
      const total = tables.reduce((n, m) => n + rejected[m.id]!, 0);
      throw new DataBridgeError(
        'bad_value',
        `${total} row(s) rejected in ${tables.map((m) => `${name(m)} (${rejected[m.id]})`).join(', ')} (error policy continue): ${lines.join('; ')}`,
      );
    }
    const failed = (await this.options.state.notes(this.runId)).hooks.filter((r) => !r.ok);
    if (failed.length === 0) return;
    throw new DataBridgeError(
      'hook_failed',
      failed.map((f) => `${f.phase} hook "${f.name}" failed on the ${f.on}: ${f.output}`).join('; '),
    );
  }

  /** Runs a phase's hooks; a failure stops the run (fail_fast) or is kept for the report. */
  private async hooks(phase: 'pre' | 'post'): Promise<void> {
    await this.keepHookResults(await this.runPhase(phase));
  }

  private async runPhase(phase: 'pre' | 'post'): Promise<HookResult[]> {
    const hooks = this.settings.hooks[phase];
    if (hooks.length === 0) return [];
    const results = await runHooks(hooks, phase, { source: this.source, target: this.target });
    for (const r of results)
      this.log[r.ok ? 'info' : 'error'](`${phase} hook ${r.name} ${r.ok ? 'ran' : 'failed'}`, {
        seconds: r.seconds,
        output: r.output,
      });
    return results;
  }

  private async keepHookResults(results: readonly HookResult[]): Promise<void> {
    if (results.length === 0) return;
    const earlier = (await this.options.state.notes(this.runId)).hooks;
    await this.options.state.saveNotes(this.runId, { hooks: [...earlier, ...results] });
    const failed = results.find((r) => !r.ok);
    if (failed && this.settings.errorPolicy === 'fail_fast') {
      throw new DataBridgeError(
        'hook_failed',
        `${failed.phase} hook "${failed.name}" failed on the ${failed.on}: ${failed.output}`,
      );
    }
  }

  /** Whether all load levels may load at once: no foreign key among them is checked while loading. */
  private stagedSource: StagedSource | undefined;

  /** Says in the log and the report what the staged rows are a picture of (snapshot-words.ts). */
  private async noteSnapshot(snapshot: ExtractSnapshot): Promise<void> {
    const { note, warnings } = describeSnapshot(snapshot);
    this.log.info(note.message, { guarantee: note.guarantee });
    const earlier = (await this.options.state.notes(this.runId)).warnings;
    await this.options.state.saveNotes(this.runId, {
      sourceSnapshot: note,
      warnings: [...earlier, ...warnings],
    });
  }

  /** Where loads and validation read the source rows: the run's staging schema, or the source itself. */
  private async loadSource(): Promise<Connection> {
    if (!this.staged) return this.source;
    this.stagedSource ??= new StagedSource({
      schema: this.staged.schema,
      staging: this.staged.connection,
      sourceDialect: this.source.dialect,
      mappings: this.plan.mappings,
      tasks: await this.options.state.tasks(this.runId),
      layout: (id) => this.transforms().get(id)!.layout,
    });
    return this.stagedSource;
  }

  /**
   * After the report: a completed run's staging schema goes unless `keepStaging` keeps it; any other
   * outcome keeps it for a retry. The ledger records which (staging/settle-staging.ts).
   */
  async settleStaging(outcome: RunOutcome): Promise<void> {
    if (this.staged) await settleStaging(this.staged, this.options.spec, this.runId, outcome, this.log);
  }

  async levelsMayOverlap(): Promise<boolean> {
    const notes = await this.options.state.notes(this.runId);
    return levelsMayOverlap(this.plan.mappings, notes.deferredForeignKeys);
  }

  /** Which stages have work: a load stage with no mapping in it is skipped. */
  stageHasWork(stageId: StageId): boolean {
    if (stageId !== 'load_dimensions' && stageId !== 'load_facts') return true;
    return this.plan.mappings.some((m) => m.stage === stageId);
  }

  /**
   * Closes both databases; after an abort, first ends whatever still runs on them (nothing, usually).
   * Closing again waits for the first close.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.endingInFlight);
      if (this.signal.aborted) await this.endInFlight();
      await Promise.allSettled([
        this.threads?.close(),
        this.source.close(),
        this.target.close(),
        this.staged?.connection.close(),
      ]);
    })();
    return this.closing;
  }
}

interface CommittedTask {
  readonly mappingId: string;
  readonly done: boolean;
  readonly position: Position | undefined;
}

/** Plans a new run and checks the plan against the databases. */
async function planRun(options: SessionOptions, source: Connection, target: Connection) {
  const [sourceSchema, targetSchema] = await Promise.all([source.introspect(), target.introspect()]);
  const built = buildPlan({
    spec: options.spec,
    sourceSchema,
    targetSchema,
    sourceDefaultSchema: source.dialect.defaultSchema,
    targetDefaultSchema: target.dialect.defaultSchema,
    lineOf: options.lineOf ?? (() => 'spec'),
  });
  await checkSourceQueries(built, source);
  const measured = await measureTypeWarnings(await checkKeyConflicts(built, source, target), source);
  return withSchemaWarnings(measured, target.dialect);
}
