export { authorizeCronRequest } from './cron-auth.ts';
export {
  checkDependencies,
  type DependencyEdge,
  type DependencyGraph,
  type DependencyNode,
  dependencyGraph,
  dependsOnOf,
} from './dependencies.ts';
export { BackfillInput, type BackfillResult, type BackfillRun, backfill } from './request-backfill.ts';
export { runScheduler, type SchedulerLoopOptions } from './scheduler-loop.ts';
export { type SchedulerLogEntry, type TickContext, type TickOptions, tick } from './tick.ts';
export {
  describeTick,
  type HeldRun,
  type RunRef,
  type SentAlert,
  type StartedRun,
  type TickProblem,
  type TickSummary,
} from './tick-summary.ts';
