import { join, resolve } from 'node:path';
import type { Checkpoint, Connection } from '../connectors/connection.ts';
import { openConnection } from '../connectors/open.ts';
import { DataBridgeError, messageOf } from '../errors.ts';
import { measureDuringLoad } from '../plan/measure-type-warnings.ts';
import type { MigrationPlan, PlannedMapping, PlanWarning } from '../plan/plan-types.ts';
import { schemaDdl } from '../plan/schema-ddl.ts';
import { checkDirect } from '../staging/check-direct.ts';
import { checkStageable } from '../staging/check-stageable.ts';
import { withoutSqlTransforms } from '../staging/cleanse-transforms.ts';
import { recordStagedRunning, settleStaging } from '../staging/settle-staging.ts';
import { StagedSource } from '../staging/staged-source.ts';
import { resolveStaging } from '../staging/staging-config.ts';
import { stagingSchemaName } from '../staging/staging-schemas.ts';
import { openPair, openStagedPair } from './open-pair.ts';
import { STOP_NOW } from './paused.ts';
import { decodePlan } from './plan-codec.ts';
import { planRun } from './plan-run.ts';
import { readLayout } from './read-layout.ts';
import { RejectLog } from './reject-log.ts';
import { RunLog } from './run-log.ts';
import type { RunRecord, TaskRecord } from './run-state.ts';
import type { RunOutcome } from './run-summary.ts';
import type { TaskResult } from './run-task.ts';
import { type CompiledMapping, compileMapping } from './sample-rows.ts';
import { cleanseStage } from './session-cleanse.ts';
import { type ExtractResult, extractStage } from './session-extract.ts';
import { finishLoadStage, type LoadStageId, restoreDeferredForeignKeys } from './session-load-stage.ts';
import { loadTask, type TaskHandlers } from './session-load-task.ts';
import type { SessionOptions } from './session-options.ts';
import { STOP_GRACE_MS } from './session-options.ts';
import { checkPolicy } from './session-policy.ts';
import { rejectedByMapping } from './session-rejected.ts';
import { validateStage } from './session-validate.ts';
import { withSyncWindows } from './sync-stage.ts';
import { TaskThreads } from './threads/task-threads.ts';
import type { TableValidation } from './validate.ts';

export type { ExtractResult } from './session-extract.ts';
export type { TaskHandlers } from './session-load-task.ts';
export { type SessionOptions, STOP_GRACE_MS } from './session-options.ts';

/** Between asking the server to cancel a statement and ending its session. */
const CANCEL_GRACE_MS = 2_000;

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
  private stagedSource: StagedSource | undefined;
  private endingInFlight: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  /** Loader threads (undefined: none asked for yet; null: none to be had). */
  private threads: TaskThreads | null | undefined;
  /** Target tables counted and checksummed as soon as their load ended, by `schema.table`. */
  readonly earlyValidations = new Map<string, Promise<TableValidation>>();
  /** The source scans a new plan left to run beside the load (measure-type-warnings.ts). */
  private measuring: Promise<PlanWarning[]> | undefined;

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
        return new RunSession(options, plan, source, target).measuringBeside(!record?.plan);
      }
      checkStageable(plan);
      stagingConnection = await openConnection(staging.url, {
        poolSize: options.spec.pipeline.parallelism * 2 + 2,
      });
      const schema = stagingSchemaName(options.runId);
      await recordStagedRunning(stagingConnection, options.spec, options.runId, schema);
      return new RunSession(options, plan, source, target, {
        connection: stagingConnection,
        schema,
      }).measuringBeside(!record?.plan);
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

  /** The extract stage (session-extract.ts). */
  extract(): Promise<ExtractResult> {
    return extractStage(this);
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

  /** The cleanse half of the transform stage, staged runs only (session-cleanse.ts). */
  cleanse(): Promise<void> {
    return cleanseStage(this);
  }

  /** Loads one task from its last checkpoint (session-load-task.ts). */
  loadTask(task: TaskRecord, handlers: TaskHandlers): Promise<TaskResult> {
    return loadTask(this, task, handlers);
  }

  /** After a load stage's last task: deferred columns, and after the last one the schema (session-load-stage.ts). */
  finishLoadStage(stageId: LoadStageId): Promise<void> {
    return finishLoadStage(this, stageId);
  }

  /** Adds back the foreign keys dropped for the load (session-load-stage.ts). */
  restoreDeferredForeignKeys(options: { strict: boolean; skipUnchecked?: boolean }): Promise<void> {
    return restoreDeferredForeignKeys(this, options);
  }

  /** The validate stage (session-validate.ts). */
  validate(): Promise<void> {
    return validateStage(this);
  }

  /** Rows rejected so far by mapping, as the committed checkpoints record them. */
  rejectedByMapping(): Promise<Record<string, number>> {
    return rejectedByMapping(this);
  }

  /** The error policy's verdict once everything ran (session-policy.ts). */
  checkPolicy(): Promise<void> {
    return checkPolicy(this);
  }

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

  /**
   * After the report: a completed run's staging schema goes unless `keepStaging` keeps it; any other
   * outcome keeps it for a retry. The ledger records which (staging/settle-staging.ts).
   */
  async settleStaging(outcome: RunOutcome): Promise<void> {
    if (this.staged) await settleStaging(this.staged, this.options.spec, this.runId, outcome, this.log);
  }

  /**
   * The run's loader threads, started by the first task that can use them (session-load-task.ts);
   * none in a staged run, which reads the staging database through this session.
   */
  loaderThreads(): TaskThreads | undefined {
    if (this.staged) return undefined;
    if (this.threads === undefined)
      this.threads = TaskThreads.forRun(this.source.dialect.name, this.settings.parallelism) ?? null;
    return this.threads ?? undefined;
  }

  /** For a plan made now: starts the scans that word warnings ahead of the load, beside it. */
  private measuringBeside(newPlan: boolean): this {
    if (newPlan)
      this.measuring = measureDuringLoad(this.plan, this.source).catch((error: unknown) => {
        this.log.warning('the zero dates and booleans of the source could not be counted ahead', {
          error: messageOf(error),
        });
        return [];
      });
    return this;
  }

  /**
   * Waits for the scans begun beside the load and keeps their warnings with the run's (once): before
   * validation and the report in the process that planned, and before it closes the source.
   */
  async settleMeasuring(): Promise<void> {
    const pending = this.measuring;
    this.measuring = undefined;
    const warnings = pending ? await pending : [];
    if (warnings.length === 0) return;
    const { state } = this.options;
    const earlier = (await state.notes(this.runId)).warnings;
    await state.saveNotes(this.runId, { warnings: [...earlier, ...warnings] });
  }

  /**
   * Closes both databases; after an abort, first ends whatever still runs on them (nothing, usually).
   * Closing again waits for the first close.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearTimeout(this.endingInFlight);
      if (this.signal.aborted) await this.endInFlight();
      await this.settleMeasuring().catch(() => {});
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
