import { endOfSkippedTime, instantsAtWallClock, wallClockAt } from '../../../../../lib/client-safe.ts';

/** A day as a date input gives it: `2024-05-01`. */
type Day = string;

/** The instant `day` begins in `zone` (its first midnight, or the moment clocks jump over it). */
export function startOfDay(day: Day, zone: string): number {
  const [year = Number.NaN, month = Number.NaN, date = Number.NaN] = day.split('-').map(Number);
  const midnight = Date.UTC(year, month - 1, date);
  return instantsAtWallClock(midnight, zone)[0] ?? endOfSkippedTime(midnight, zone);
}

/** The next calendar day of `day`. */
function nextDay(day: Day): Day {
  const [year = Number.NaN, month = Number.NaN, date = Number.NaN] = day.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, date + 1)).toISOString().slice(0, 10);
}

/**
 * The instants to ask a backfill for so that both days are included, read in the timetable's time
 * zone: from the start of `from` to the end of `to`. When `to` is today, the range ends now, since a
 * backfill covers only the past.
 */
export function backfillRange(
  from: Day,
  to: Day,
  zone: string,
  now = Date.now(),
): { from: string; to: string } {
  const start = startOfDay(from, zone);
  const end = startOfDay(nextDay(to), zone) - 1;
  const today = startOfDay(to, zone) <= now && end > now;
  return { from: new Date(start).toISOString(), to: new Date(today ? now : end).toISOString() };
}

/** Today in `zone`, as a date input writes it (the inputs' upper bound). */
export function today(zone: string, now = Date.now()): Day {
  return new Date(wallClockAt(now, zone)).toISOString().slice(0, 10);
}
