// What a browser may import from the engine: plain zod schemas, pure functions and the connector
// registry, none of which loads a database driver (the package index does). The web app's forms
// validate with these, so a form shows the very error the API would give.

export * from './connectors/registry.ts';
export { type Compatibility, type CompatibilityVerdict, compareTypes } from './plan/type-compatibility.ts';
export { formatBytes } from './report/format-bytes.ts';
export { fieldLabel, issueSentence, peopleError } from './spec/labelled.ts';
export {
  checkCronExpression,
  SCHEDULE_PRESETS,
  SchedulePreset,
  ScheduleSettings,
} from './spec/schedule-schema.ts';
export {
  ColumnMapping,
  ErrorPolicy,
  Hook,
  LoadMode,
  MigrationSpec,
  PipelineSettings,
  StringOperation,
  TableMapping,
  ValidationRule,
} from './spec/spec-schema.ts';
export { checkNewTableName } from './spec/table-names.ts';
