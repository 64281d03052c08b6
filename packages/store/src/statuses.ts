import type { DialectName, StageStatus } from '@databridge/engine';

/**
 * The closed sets of states and kinds the store records; each list is in its display order.
 *
 * Executions, stages and tasks share one state machine (see TRANSITIONS): `pending` (not started),
 * `queued` (handed to a worker), `running`, `paused` (stopped at a batch boundary, resumes exact),
 * `cancelling` (an execution asked to stop whose statements are being ended; `cancelled` is written
 * only once nothing of it runs), `interrupted` (stopped by a shutdown or a sibling's failure; resumes
 * from its checkpoint), and the ends `completed`, `failed`, `skipped`, `cancelled`.
 */
export const EXECUTION_STATUSES = [
  'pending',
  'queued',
  'running',
  'paused',
  'cancelling',
  'interrupted',
  'completed',
  'failed',
  'cancelled',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** The states an execution ends in: nothing of it runs or will run unless a person retries it. */
export const ENDED_EXECUTION_STATUSES: readonly ExecutionStatus[] = ['completed', 'failed', 'cancelled'];

/** An execution in one of these states still has (or may get) a worker on it: every other state. */
export const ACTIVE_EXECUTION_STATUSES: readonly ExecutionStatus[] = EXECUTION_STATUSES.filter(
  (status) => !ENDED_EXECUTION_STATUSES.includes(status),
);

export const EXECUTION_TRIGGERS = ['manual', 'schedule', 'api', 'retry'] as const;
export type ExecutionTrigger = (typeof EXECUTION_TRIGGERS)[number];

/** Stage and task states are the engine's own. */
export type RunStatus = StageStatus;

export const RUN_STATUSES: readonly RunStatus[] = [
  'pending',
  'queued',
  'running',
  'paused',
  'interrupted',
  'completed',
  'failed',
  'skipped',
  'cancelled',
];

export type StateKind = 'execution' | 'stage' | 'task';

/**
 * Where each state may go; staying in a state is always allowed (counters change while running). A
 * retry or a resume is what takes `failed`, `cancelled`, `skipped` or `interrupted` back to work;
 * `completed` is final, except a stage's (the report stage is written again by a retry).
 */
const EXECUTION_MOVES: Readonly<Record<ExecutionStatus, readonly ExecutionStatus[]>> = {
  pending: ['queued', 'running', 'paused', 'cancelling', 'failed'],
  queued: ['pending', 'running', 'paused', 'cancelling', 'failed'],
  running: ['paused', 'cancelling', 'interrupted', 'completed', 'failed'],
  // A run whose last stage was ending when the pause came ends anyway.
  paused: ['running', 'cancelling', 'completed', 'failed'],
  cancelling: ['cancelled'],
  interrupted: ['running', 'paused', 'cancelling', 'failed'],
  failed: ['running'],
  cancelled: ['running'],
  completed: [],
};

const WORK_MOVES: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  pending: ['queued', 'running', 'paused', 'skipped', 'cancelled', 'failed', 'completed'],
  queued: ['pending', 'running', 'paused', 'skipped', 'cancelled', 'failed', 'completed'],
  running: ['queued', 'paused', 'interrupted', 'cancelled', 'failed', 'completed'],
  paused: ['pending', 'queued', 'running', 'skipped', 'cancelled', 'failed', 'completed'],
  interrupted: ['pending', 'queued', 'running', 'paused', 'skipped', 'cancelled', 'failed', 'completed'],
  failed: ['pending', 'running'],
  cancelled: ['pending', 'running'],
  skipped: ['pending'],
  completed: [],
};

/** Whether a state may change into another (the same state always may). */
export function canMove(kind: StateKind, from: string, to: string): boolean {
  if (from === to) return true;
  if (kind === 'execution')
    return EXECUTION_MOVES[from as ExecutionStatus]?.includes(to as ExecutionStatus) ?? false;
  if (kind === 'stage' && from === 'completed' && to === 'pending') return true;
  return WORK_MOVES[from as RunStatus]?.includes(to as RunStatus) ?? false;
}

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What a connection points at, as `parseConnectionUrl` names it (MariaDB is `mysql`). */
export type ConnectionKind = DialectName;
