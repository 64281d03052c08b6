import { join, resolve } from 'node:path';
import type { Checkpoint, Connection, SqliteFolder } from '../connectors/connection.ts';
import { openConnection } from '../connectors/open.ts';
import { DataBridgeError } from '../errors.ts';
import { buildPlan } from '../plan/build-plan.ts';
import { checkKeyConflicts } from '../plan/check-key-conflicts.ts';
import { checkSourceQueries } from '../plan/check-source-queries.ts';
import { measureTypeWarnings } from '../plan/measure-type-warnings.ts';
import type { MigrationPlan, PlannedMapping, StageId } from '../plan/plan-types.ts';
import { schemaDdl, withSchemaWarnings } from '../plan/schema-ddl.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import { checkStageable } from '../staging/check-stageable.ts';
import { StagedSource } from '../staging/staged-source.ts';
import { resolveStaging, type StagingDatabase } from '../staging/staging-config.ts';
import { stagingSchemaName } from '../staging/staging-schemas.ts';
import { restoreForeignKeys } from './deferred-foreign-keys.ts';
import { dropRunState } from './drop-run-state.ts';
import { openPair, openStagedPair } from './open-pair.ts';
import { levelsMayOverlap } from './overlap-levels.ts';
import { STOP_NOW } from './paused.ts';
import { decodePlan } from './plan-codec.ts';
import { RejectLog } from './reject-log.ts';
import type { RejectedRow } from './rejected-row.ts';
import { RunLog, type RunLogEntry } from './run-log.ts';
import { extractRun } from './run-session-extract.ts';
import { finishLoadStage, loadTask } from './run-session-load.ts';
import { checkPolicy } from './run-session-policy.ts';
import { rejectedByMapping, validateRun } from './run-session-validate.ts';
import type { NewRun, RunRecord, RunStateStore, TaskRecord } from './run-state.ts';
import type { BatchStats, TaskResult } from './run-task.ts';
import { type CompiledMapping, compileMapping } from './sample-rows.ts';
import { withSyncWindows } from './sync-stage.ts';
import type { SyncRange } from './sync-window.ts';

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
}

/** How long a statement may run on after a pause or shutdown; see SessionOptions.stopGraceMs. */
export const STOP_GRACE_MS = 10_000;

/** Between asking the server to cancel a statement and ending its session. */
const CANCEL_GRACE_MS = 2_000;

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

  /** Ends the statements still in flight on both databases (see Connection.cancelInFlight). */
  private async endInFlight(): Promise<void> {
    await Promise.allSettled([
      this.source.cancelInFlight?.(CANCEL_GRACE_MS),
      this.target.cancelInFlight?.(CANCEL_GRACE_MS),
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
      if (!staging) return new RunSession(options, plan, source, target);
      checkStageable(plan);
      stagingConnection = await openConnection(staging.url, {
        poolSize: options.spec.pipeline.parallelism * 2 + 2,
      });
      const schema = stagingSchemaName(options.runId);
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

  /** The extract stage (run-session-extract.ts). */
  extract(): Promise<ExtractResult> {
    return extractRun(this);
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

  /** The DDL of the tables this run creates (what `databridge plan --ddl` prints). */
  schemaDdl() {
    return schemaDdl(this.plan.mappings, this.target.dialect, this.settings);
  }

  /** The transform stage: compiles each mapping's row function (its queries were checked with the plan). */
  transforms(): Map<string, CompiledMapping> {
    const dialects = { source: this.source.dialect.name, target: this.target.dialect.name };
    this.compiled ??= new Map(
      this.plan.mappings.map((m) => [m.id, compileMapping(m, this.settings, dialects)]),
    );
    return this.compiled;
  }

  /** Loads one task from its last checkpoint (run-session-load.ts). */
  loadTask(task: TaskRecord, handlers: TaskHandlers): Promise<TaskResult> {
    return loadTask(this, task, handlers);
  }

  /** After a load stage's last task: deferred columns, then the created tables' keys (run-session-load.ts). */
  finishLoadStage(stageId: 'load_dimensions' | 'load_facts'): Promise<void> {
    return finishLoadStage(this, stageId);
  }

  /**
   * Adds back the foreign keys dropped for the load, each checked in one pass. Also called when a run
   * ends otherwise (failed, cancelled), so that a target is never left without its constraints; then
   * constraints already found broken are left as they are.
   */
  async restoreDeferredForeignKeys(options: { strict: boolean; skipUnchecked?: boolean }): Promise<void> {
    // The keys' states carry what went wrong; the report words it from the state at its time.
    await restoreForeignKeys(this.target, this.options.state, this.runId, this.log, options);
  }

  /** The validate stage (run-session-validate.ts). */
  validate(): Promise<void> {
    return validateRun(this);
  }

  /** Rows rejected so far by mapping (run-session-validate.ts). */
  rejectedByMapping(): Promise<Record<string, number>> {
    return rejectedByMapping(this);
  }

  /** The error policy's verdict once everything ran (run-session-policy.ts). */
  checkPolicy(): Promise<void> {
    return checkPolicy(this);
  }

  /** The staged rows as a source, made once per session (see loadSource). */
  private stagedSource: StagedSource | undefined;

  /** Where loads and validation read the source rows: the run's staging schema, or the source itself. */
  async loadSource(): Promise<Connection> {
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

  /** After a completed run: its staging schema and staging checkpoints go (a failed run keeps them for its retry). */
  async dropStaging(): Promise<void> {
    if (!this.staged) return;
    const { connection, schema } = this.staged;
    await connection.query(`DROP SCHEMA IF EXISTS ${connection.dialect.quoteIdentifier(schema)} CASCADE`);
    await dropRunState(connection, this.runId, this.log);
    this.log.info(`staging schema ${schema} dropped: the run completed`);
  }

  /** Whether all load levels may load at once: no foreign key among them is checked while loading. */
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
      await Promise.allSettled([this.source.close(), this.target.close(), this.staged?.connection.close()]);
    })();
    return this.closing;
  }
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
