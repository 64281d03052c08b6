/** A day as a date input gives it: `2024-05-01`. */
type Day = string;

/** How far `zone`'s wall clock is ahead of UTC at `instant`, in milliseconds. */
function zoneOffset(zone: string, instant: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The instant `day` begins in `zone` (its midnight, or the first minute after a DST gap). */
export function startOfDay(day: Day, zone: string): number {
  const [year = Number.NaN, month = Number.NaN, date = Number.NaN] = day.split('-').map(Number);
  const wall = Date.UTC(year, month - 1, date);
  // Near a DST change the offset at midnight may differ from the one a few hours off it: try both.
  const guess = wall - zoneOffset(zone, wall);
  const candidates = [guess, wall - zoneOffset(zone, guess)];
  const exact = candidates.filter((t) => t + zoneOffset(zone, t) === wall);
  // No exact one: midnight falls in the gap, so the day starts when the clocks jump.
  return exact.length > 0 ? Math.min(...exact) : Math.max(...candidates);
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
  return new Date(now + zoneOffset(zone, now)).toISOString().slice(0, 10);
}
