export { backfillDates, MAX_BACKFILL_RUNS } from './backfill.ts';
export {
  type CompiledSchedule,
  type CronSchedule,
  type CronValidation,
  compileSchedule,
  describeSchedule,
  validateCron,
} from './cron.ts';
export { type DependencyEdges, describeCycle, findCycle, topologicalOrder } from './dependency-graph.ts';
export { type DueRunsInput, dueRuns, MAX_CATCH_UP_RUNS } from './due-runs.ts';
export { type NextRun, nextRun, type TimetableSettings } from './next-run.ts';
export { latestOccurrence, nextOccurrences, occurrencesBetween } from './occurrences.ts';
export { retryDelayMs } from './retry-delay.ts';
