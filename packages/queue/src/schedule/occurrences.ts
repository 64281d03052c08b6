import { CronExpressionParser } from 'cron-parser';
import { type CompiledSchedule, type CronSchedule, compileSchedule } from './cron.ts';
import { endOfSkippedTime, instantsAtWallClock, utcOffsetMs } from './time-zone.ts';

/**
 * Scheduled instants of a cron expression in a time zone. The expression is matched against the wall
 * clock (cron-parser running in UTC on floating times); each matching wall-clock time then becomes
 * real instants by this module's daylight-saving rule, rather than by cron-parser's, which moves a
 * skipped 02:30 to 03:30:
 *
 * - A schedule with named hours (daily at 02:30) follows the wall clock and runs once per matching
 *   time. A time that clocks skip runs once, at the moment of the change (03:00 when 02:00 jumps to
 *   03:00), several skipped times merging into that one run; a time that clocks pass twice runs once,
 *   at its first occurrence.
 * - A schedule that matches every hour (every 15 minutes, hourly) follows real time: the skipped hour
 *   has no runs, since it never happened, and the repeated hour runs twice, being two real hours.
 */

/** Clock changes are assumed to move clocks by less than this (the largest in use is 1h, historically 2h). */
const SEARCH_MARGIN_MS = 3 * 3_600_000;

/** The real instants of one matching wall-clock time, by the rule above. */
function instantsOf(wall: number, schedule: CompiledSchedule): number[] {
  const instants = instantsAtWallClock(wall, schedule.timezone);
  if (schedule.everyHour) return instants;
  return instants.length === 0 ? [endOfSkippedTime(wall, schedule.timezone)] : [instants[0]!];
}

/**
 * Every scheduled instant strictly after `after`, in order, without end (or until the calendar runs
 * out). Wall-clock order is not quite instant order around a clock change, so instants wait in a
 * buffer until no later wall-clock time can produce an earlier one.
 */
export function* instantsAfter(schedule: CompiledSchedule, after: number): Generator<number> {
  const start = after + utcOffsetMs(after, schedule.timezone) - SEARCH_MARGIN_MS;
  const walls = CronExpressionParser.parse(schedule.expression, { tz: 'UTC', currentDate: new Date(start) });
  const pending: number[] = [];
  let last = after;
  for (;;) {
    let wall: number;
    try {
      wall = walls.next().getTime();
    } catch {
      break; // cron-parser gives up past its loop limit: the expression has no later time
    }
    for (const instant of instantsOf(wall, schedule)) if (instant > last) pending.push(instant);
    pending.sort((a, b) => a - b);
    // No wall-clock time at or after `wall` becomes an instant earlier than this.
    const settled =
      wall - utcOffsetMs(wall - utcOffsetMs(wall, schedule.timezone), schedule.timezone) - SEARCH_MARGIN_MS;
    while (pending.length > 0 && pending[0]! < settled) {
      const instant = pending.shift()!;
      if (instant > last) {
        last = instant;
        yield instant;
      }
    }
  }
  for (const instant of pending) {
    if (instant > last) {
      last = instant;
      yield instant;
    }
  }
}

/** The next `count` scheduled instants strictly after `after`. */
export function nextOccurrences(schedule: CronSchedule, after: Date, count: number): Date[] {
  const found: Date[] = [];
  if (count <= 0) return found;
  for (const instant of instantsAfter(compileSchedule(schedule), after.getTime())) {
    found.push(new Date(instant));
    if (found.length >= count) break;
  }
  return found;
}

/**
 * Scheduled instants in [from, to], both ends included, oldest first; at most `limit` of them
 * (unlimited by default), the earliest ones.
 */
export function occurrencesBetween(
  schedule: CronSchedule,
  from: Date,
  to: Date,
  options: { readonly limit?: number } = {},
): Date[] {
  return scanBetween(
    compileSchedule(schedule),
    from.getTime() - 1,
    to.getTime(),
    options.limit ?? Infinity,
  ).map((instant) => new Date(instant));
}

/** Scheduled instants in (after, until], oldest first, at most `limit`. */
export function scanBetween(
  schedule: CompiledSchedule,
  after: number,
  until: number,
  limit: number,
): number[] {
  const found: number[] = [];
  if (limit <= 0 || until <= after) return found;
  for (const instant of instantsAfter(schedule, after)) {
    if (instant > until) break;
    found.push(instant);
    if (found.length >= limit) break;
  }
  return found;
}

/**
 * The latest scheduled instant at or before `at`, or null when there is none in the ten years before
 * it.
 */
export function latestOccurrence(schedule: CronSchedule, at: Date): Date | null {
  const found = latestAtOrBefore(compileSchedule(schedule), at.getTime());
  return found === null ? null : new Date(found);
}

const TEN_YEARS_MS = 3653 * 86_400_000;

/** As `latestOccurrence`; the search window doubles from an hour, so frequent schedules stay cheap. */
export function latestAtOrBefore(schedule: CompiledSchedule, until: number): number | null {
  for (let window = 3_600_000; ; window *= 2) {
    const found = scanBetween(schedule, until - window, until, Infinity);
    if (found.length > 0) return found.at(-1)!;
    if (window > TEN_YEARS_MS) return null;
  }
}
