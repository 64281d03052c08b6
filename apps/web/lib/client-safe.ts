// The schemas the browser validates with, from the packages' `client-safe` entry points (not their
// indexes, which pull in database drivers). The API validates with the very same schemas, so a form
// shows the error the server would give.

export {
  ColumnMapping,
  type ColumnMapping as ColumnMappingValue,
  type Compatibility,
  type CompatibilityVerdict,
  checkCronExpression,
  checkNewTableName,
  compareTypes,
  ErrorPolicy,
  fieldLabel,
  formatBytes,
  Hook,
  issueSentence,
  LoadMode,
  MigrationSpec,
  PipelineSettings,
  peopleError,
  SCHEDULE_PRESETS,
  SchedulePreset,
  ScheduleSettings,
  StringOperation,
  TableMapping,
  ValidationRule,
} from '@databridge/engine/client-safe';
export {
  alertDeliveryProblems,
  CONNECTION_KINDS,
  type ConnectionFormKind,
  CreateConnectionInput,
  CreateProjectInput,
  DEFAULT_PORTS,
  endOfSkippedTime,
  instantsAtWallClock,
  kindFacts,
  type SmtpStatus,
  UpdateConnectionInput,
  wallClockAt,
} from '@databridge/queue/client-safe';
