/**
 * Wall-clock arithmetic in an IANA time zone with nothing but `Intl`. A wall-clock time is carried as
 * the epoch milliseconds it would have in UTC ("floating" time), so that cron matching can run in UTC
 * and only the step from a wall-clock time to real instants needs the zone's rules.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** True when `Intl` knows the zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's UTC offset in milliseconds at an instant (+19800000 for Asia/Kolkata). */
export function utcOffsetMs(instant: number, timeZone: string): number {
  // Offsets are looked up per hour: an hour whose two ends agree has no change inside it (no zone
  // changes its clocks twice within an hour), so every instant in it shares that offset.
  const hour = Math.floor(instant / HOUR);
  const key = `${timeZone} ${hour}`;
  const known = hourOffsets.get(key);
  if (known !== undefined) return known;
  const first = exactOffsetMs(hour * HOUR, timeZone);
  if (first === exactOffsetMs((hour + 1) * HOUR - 1000, timeZone)) {
    if (hourOffsets.size > 100_000) hourOffsets.clear();
    hourOffsets.set(key, first);
    return first;
  }
  return exactOffsetMs(instant, timeZone);
}

const hourOffsets = new Map<string, number>();

function exactOffsetMs(instant: number, timeZone: string): number {
  const seconds = Math.floor(instant / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(seconds)) parts[part.type] = part.value;
  const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
  const wall = Date.UTC(
    year,
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - seconds;
}

/** The wall-clock time (floating) that a clock in the zone shows at an instant. */
export function wallClockAt(instant: number, timeZone: string): number {
  return instant + utcOffsetMs(instant, timeZone);
}

/**
 * The instants at which a clock in the zone shows a wall-clock time, earliest first: one normally, two
 * when clocks fall back over it, none when clocks spring forward over it. Assumes at most one offset
 * change within a day of it, which every zone in use satisfies.
 */
export function instantsAtWallClock(wall: number, timeZone: string): number[] {
  const before = utcOffsetMs(wall - DAY, timeZone);
  const after = utcOffsetMs(wall + DAY, timeZone);
  const offsets = before === after ? [before] : [before, after];
  const found = offsets
    .map((offset) => wall - offset)
    .filter((instant) => utcOffsetMs(instant, timeZone) === wall - instant);
  return [...new Set(found)].sort((a, b) => a - b);
}

/**
 * For a wall-clock time that clocks skip (02:30 when 02:00 jumps to 03:00), the instant the skipped
 * stretch ends: the moment of the change, which the clock shows as 03:00.
 */
export function endOfSkippedTime(wall: number, timeZone: string): number {
  const before = utcOffsetMs(wall - DAY, timeZone);
  const after = utcOffsetMs(wall + DAY, timeZone);
  // The change lies between these two: `low` still reads before the gap, `high` already after it.
  let low = wall - after;
  let high = wall - before;
  while (high - low > 1000) {
    const middle = low + Math.floor((high - low) / 2000) * 1000;
    if (utcOffsetMs(middle, timeZone) === before) low = middle;
    else high = middle;
  }
  return high;
}
