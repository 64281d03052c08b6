// The schemas the browser validates with, imported from the plain-zod modules of the engine and the
// services (not their package indexes, which pull in database drivers). The API validates with the very
// same schemas, so a form shows the error the server would give.

export {
  type Compatibility,
  type CompatibilityVerdict,
  compareTypes,
} from '../../../packages/engine/src/plan/type-compatibility.ts';
export {
  fieldLabel,
  issueSentence,
  peopleError,
} from '../../../packages/engine/src/spec/labelled.ts';
export {
  checkCronExpression,
  SCHEDULE_PRESETS,
  SchedulePreset,
  ScheduleSettings,
} from '../../../packages/engine/src/spec/schedule-schema.ts';
export {
  ColumnMapping,
  type ColumnMapping as ColumnMappingValue,
  ErrorPolicy,
  Hook,
  LoadMode,
  MigrationSpec,
  PipelineSettings,
  StringOperation,
  TableMapping,
  ValidationRule,
} from '../../../packages/engine/src/spec/spec-schema.ts';
export { checkNewTableName } from '../../../packages/engine/src/spec/table-names.ts';
export {
  alertDeliveryProblems,
  type SmtpStatus,
} from '../../../packages/queue/src/alerts/delivery-problems.ts';
export {
  endOfSkippedTime,
  instantsAtWallClock,
  wallClockAt,
} from '../../../packages/queue/src/schedule/time-zone.ts';
export {
  CONNECTION_KINDS,
  type ConnectionFormKind,
  CreateConnectionInput,
  DEFAULT_PORTS,
  kindFacts,
  UpdateConnectionInput,
} from '../../../packages/queue/src/services/connection-inputs.ts';
export { CreateProjectInput } from '../../../packages/queue/src/services/project-inputs.ts';
