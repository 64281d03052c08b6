import { type CronSchedule, compileSchedule } from './cron.ts';
import { latestAtOrBefore, scanBetween } from './occurrences.ts';

/**
 * The most missed runs one tick starts with catch-up on. Nothing is lost past it: the next tick
 * continues from the last one started, so a long outage drains 1000 runs per tick, oldest first.
 */
export const MAX_CATCH_UP_RUNS = 1000;

export interface DueRunsInput {
  readonly schedule: CronSchedule;
  /** The logical date of the latest run already started by the schedule, or null for none yet. */
  readonly lastScheduledAt: Date | null;
  readonly now: Date;
  /** Start every run missed since `lastScheduledAt` (true) or only the latest of them (false). */
  readonly catchUp: boolean;
}

/**
 * The logical dates (scheduled instants) whose runs should start now, oldest first: scheduled after
 * `lastScheduledAt` and at or before `now`. With catch-up on that is every missed one, at most
 * `MAX_CATCH_UP_RUNS`; with catch-up off only the latest. A schedule that has never run starts only
 * its latest due time, never its whole history: pass the project's creation time as
 * `lastScheduledAt` to wait for the first time after it instead.
 */
export function dueRuns(input: DueRunsInput): Date[] {
  const { lastScheduledAt, now, catchUp } = input;
  const schedule = compileSchedule(input.schedule);
  if (lastScheduledAt === null || !catchUp) {
    const latest = latestAtOrBefore(schedule, now.getTime());
    if (latest === null) return [];
    return lastScheduledAt === null || latest > lastScheduledAt.getTime() ? [new Date(latest)] : [];
  }
  return scanBetween(schedule, lastScheduledAt.getTime(), now.getTime(), MAX_CATCH_UP_RUNS).map(
    (instant) => new Date(instant),
  );
}
