export {
  artefactContentType,
  artefactKey,
  assertArtefactKey,
  executionPrefix,
} from './artefacts/artefact-keys.ts';
export type { ArtefactBody, ArtefactInfo, ArtefactStore } from './artefacts/artefact-store.ts';
export {
  ArtefactStoreError,
  type ArtefactStoreErrorCode,
  isArtefactStoreError,
} from './artefacts/artefact-store-error.ts';
export { LocalFolderStore } from './artefacts/local-folder-store.ts';
export { type ObjectStoreConfig, readObjectStoreConfig } from './artefacts/object-store-config.ts';
export { openArtefactStore } from './artefacts/open-artefact-store.ts';
export {
  type ArtefactsOutcome,
  PENDING_MARKER,
  type PublishOptions,
  pendingReason,
  publishRunArtefacts,
  storeFailureInWords,
  uploadPendingArtefacts,
  writerTag,
} from './artefacts/publish-artefacts.ts';
export {
  listStoredExecutions,
  pruneArtefacts,
  retentionCutoff,
  type StoredExecution,
} from './artefacts/retention.ts';
export { MIN_PART_SIZE, S3ArtefactStore, type S3StoreOptions } from './artefacts/s3-artefact-store.ts';
export { classifyFailure, isTransientFailure } from './connectors/classify-error.ts';
export type * from './connectors/connection.ts';
export { openConnection } from './connectors/open.ts';
export * from './connectors/registry.ts';
export { maskPassword, parseConnectionUrl } from './connectors/url.ts';
export {
  AIRFLOW_CONNECTION_ID,
  type AirflowDagFileInput,
  renderAirflowDagFile,
  START_TASK_ID,
} from './dag/airflow-dag-file.ts';
export { AIRFLOW_ID_MAX, airflowSlug, dagIdFor } from './dag/airflow-names.ts';
export { buildRunDag, type DagTask, type RunDag } from './dag/run-dag.ts';
export { DataBridgeError, type ErrorCode, isDataBridgeError, messageOf } from './errors.ts';
export {
  CONFIDENT,
  type MappingSuggestions,
  suggestMappings,
  type TableSuggestion,
} from './mapping/auto-map.ts';
export { buildPlan } from './plan/build-plan.ts';
export { groupWarnings, type WarningGroup } from './plan/group-warnings.ts';
export { planMigration } from './plan/plan-migration.ts';
export type * from './plan/plan-types.ts';
export { STAGES } from './plan/plan-types.ts';
export type * from './plan/schema-ddl-types.ts';
export { compareTypes } from './plan/type-compatibility.ts';
export { isMetadataStoreRefusal } from './postgres/postgres-store-guard.ts';
export { makePrivateDir, makePrivateFile, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-files.ts';
export { formatBytes } from './report/format-bytes.ts';
export { renderHtmlReport } from './report/html-report.ts';
export { cursorText, syncCounts } from './report/sync-words.ts';
export { writeReport } from './report/write-report.ts';
export { dropRunState } from './run/drop-run-state.ts';
export { type DryRunOptions, type DryRunResult, type DryRunTable, dryRun } from './run/dry-run.ts';
export { decodePosition } from './run/key-codec.ts';
export { STOP_NOW } from './run/paused.ts';
export {
  type MappingPreview,
  type PreviewColumn,
  type PreviewOptions,
  type PreviewRow,
  previewMigration,
} from './run/preview.ts';
export type * from './run/progress.ts';
export { totals } from './run/progress.ts';
export type { RejectedRow } from './run/rejected-row.ts';
export { type ReportInput, reportRun } from './run/report-run.ts';
export { reportUnstartedRun, type UnstartedRun } from './run/report-unstarted.ts';
export type { RunLogEntry } from './run/run-log.ts';
export { initialProgress, PAUSED, type RunOptions, runMigration } from './run/run-migration.ts';
export { type ExtractResult, RunSession, type SessionOptions, type TaskHandlers } from './run/run-session.ts';
export {
  cursorFromJson,
  cursorToJson,
  EMPTY_NOTES,
  type NewRun,
  REJECTED_SAMPLES,
  type RunNotes,
  type RunRecord,
  type RunStateStore,
  type RunStatus,
  rangeFromJson,
  rangeToJson,
  type TaskRecord,
} from './run/run-state.ts';
export type * from './run/run-summary.ts';
export type { BatchStats, TaskResult } from './run/run-task.ts';
export type { LoadStageId } from './run/session-load-stage.ts';
export { logStageStatus } from './run/stage-log.ts';
export {
  isLoadStage,
  nextStep,
  type OpenTask,
  stagesOf,
  type WalkState,
  type WalkStep,
} from './run/stage-walk.ts';
export { cursorKey, type SavedCursor, type SourceColumn, type SyncRange } from './run/sync-window.ts';
export { validateFull } from './run/validate-full.ts';
export { markStage, runStageWork, walkState } from './run/walk-steps.ts';
export type * from './schema/model.ts';
export {
  fieldLabel,
  issueSentence,
  labelledNumber,
  listInWords,
  type NumberField,
  peopleError,
} from './spec/labelled.ts';
export { formatPath, type LoadedSpec, loadSpecFile, parseSpec } from './spec/load-spec.ts';
export { retryDelayMs } from './spec/retry-delay.ts';
export * from './spec/schedule-schema.ts';
export * from './spec/spec-schema.ts';
export * from './spec/table-names.ts';
export { renderSpecYaml } from './spec/write-spec.ts';
export { SqliteRunState } from './sqlite/sqlite-run-state.ts';
export { confineSqliteFile } from './sqlite/sqlite-server-guard.ts';
export type { CleanseStep, CleanseStepCount, CleanseSummary } from './staging/cleanse-counts.ts';
export {
  resolveStaging,
  type StagingDatabase,
  type StagingSetting,
  stagingDatabase,
  stagingFromEnvironment,
} from './staging/staging-config.ts';
export type { LedgerEntry, LedgerState } from './staging/staging-ledger.ts';
export {
  type DropWhen,
  dropWhen,
  expiredRuns,
  FAILED_RETENTION_DAYS,
  type HeldRun,
  type HeldRunState,
  type KeepStaging,
  type RetentionLimits,
} from './staging/staging-retention.ts';
export {
  createStagingSchema,
  dropStagingSchema,
  type HeldStaging,
  heldRuns,
  heldStaging,
  type KnownRun,
  listStagingSchemas,
  type PrunedStaging,
  type PruneOptions,
  pruneStaging,
  STAGING_SCHEMA_PREFIX,
  type StagedSchema,
  stagedRowCounts,
  stagingSchemaName,
} from './staging/staging-schemas.ts';
export type { Row, Value } from './values.ts';
