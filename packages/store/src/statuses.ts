import type { DialectName, StageStatus } from '@databridge/engine';

/** The closed sets of states and kinds the store records; each list is in its display order. */
export const EXECUTION_STATUSES = [
  'pending',
  'running',
  'paused',
  'completed',
  'failed',
  'cancelled',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** An execution in one of these states still has (or may get) a worker on it. */
export const ACTIVE_EXECUTION_STATUSES: readonly ExecutionStatus[] = ['pending', 'running', 'paused'];

export const EXECUTION_TRIGGERS = ['manual', 'schedule', 'api', 'retry'] as const;
export type ExecutionTrigger = (typeof EXECUTION_TRIGGERS)[number];

/** Stage and task states are the engine's own. */
export type RunStatus = StageStatus;

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What a connection points at, as `parseConnectionUrl` names it (MariaDB is `mysql`). */
export type ConnectionKind = DialectName;
