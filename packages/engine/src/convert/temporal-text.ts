import { civilFromDays, daysFromCivil } from './civil-days.ts';
import { isDigit } from './numeric-text.ts';

/** A date, a time or both, as read from text; the fields of the missing half are 0. */
export interface TemporalParts {
  hasDate: boolean;
  year: number;
  month: number;
  day: number;
  hasTime: boolean;
  /** A MySQL TIME duration below zero (`-01:00:00`). */
  negative: boolean;
  hour: number;
  minute: number;
  second: number;
  /** The digits after the point, without trailing zeros. */
  fraction: string;
  /** Seconds east of UTC when the text names an offset (`+02`, `-03:30`, `Z`). */
  offset: number | undefined;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Two digits at `i` as a number, or -1. */
function two(text: string, i: number): number {
  const a = text.charCodeAt(i);
  const b = text.charCodeAt(i + 1);
  return isDigit(a) && isDigit(b) ? (a - 48) * 10 + (b - 48) : -1;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** True when `YYYY-MM-DD` at `i` is a real calendar day of the years 1 to 9999; allocates nothing. */
export function isDateAt(text: string, i: number): boolean {
  const century = two(text, i);
  const yy = two(text, i + 2);
  const month = two(text, i + 5);
  const day = two(text, i + 8);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1) return false;
  if (text.charCodeAt(i + 4) !== 45 || text.charCodeAt(i + 7) !== 45) return false;
  const year = century * 100 + yy;
  return year > 0 && (day <= 28 || day <= daysInMonth(year, month));
}

/**
 * The end of a canonical clock `HH:MM:SS[.f]` at `i` (at most `maxFraction` digits, no trailing zero,
 * hours below 24, or exactly 24:00:00 when `allow24`), or -1; allocates nothing.
 */
export function clockEnd(text: string, i: number, maxFraction: number, allow24: boolean): number {
  const hour = two(text, i);
  const minute = two(text, i + 3);
  const second = two(text, i + 6);
  if (hour < 0 || minute < 0 || second < 0 || minute > 59 || second > 59) return -1;
  if (text.charCodeAt(i + 2) !== 58 || text.charCodeAt(i + 5) !== 58) return -1;
  let end = i + 8;
  if (text.charCodeAt(end) === 46) {
    const start = ++end;
    while (end < text.length && isDigit(text.charCodeAt(end))) end++;
    if (end === start || end - start > maxFraction || text.charCodeAt(end - 1) === 48) return -1;
  }
  if (hour < 24) return end;
  return allow24 && hour === 24 && minute === 0 && second === 0 && end === i + 8 ? end : -1;
}

/**
 * Reads `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS[.f][offset]` (also with `T`), and `[-]H…H:MM:SS[.f]`
 * (MySQL TIME durations included). Offsets: `Z`, `±HH`, `±HH:MM`, `±HHMM`, `±HH:MM:SS`. Undefined
 * when the text has none of these shapes; the calendar and the clock are checked separately.
 */
export function parseTemporal(text: string): TemporalParts | undefined {
  const parts: TemporalParts = {
    hasDate: false,
    year: 0,
    month: 0,
    day: 0,
    hasTime: false,
    negative: false,
    hour: 0,
    minute: 0,
    second: 0,
    fraction: '',
    offset: undefined,
  };
  let i = 0;
  if (text.charCodeAt(4) === 45 && text.length >= 10) {
    const century = two(text, 0);
    const yy = two(text, 2);
    parts.month = two(text, 5);
    parts.day = two(text, 8);
    if (century < 0 || yy < 0 || parts.month < 0 || parts.day < 0 || text.charCodeAt(7) !== 45)
      return undefined;
    parts.year = century * 100 + yy;
    parts.hasDate = true;
    if (text.length === 10) return parts;
    const separator = text.charCodeAt(10);
    if (separator !== 32 && separator !== 84) return undefined;
    i = 11;
  } else if (text.charCodeAt(0) === 45) {
    parts.negative = true;
    i = 1;
  }
  // Hours: two digits after a date, up to three in a MySQL duration.
  let hour = 0;
  const hourStart = i;
  while (i < text.length && isDigit(text.charCodeAt(i)) && i - hourStart < 3)
    hour = hour * 10 + text.charCodeAt(i++) - 48;
  if (i - hourStart < (parts.hasDate ? 2 : 1) || (parts.hasDate && i - hourStart > 2)) return undefined;
  parts.hour = hour;
  parts.minute = text.charCodeAt(i) === 58 ? two(text, i + 1) : -1;
  parts.second = text.charCodeAt(i + 3) === 58 ? two(text, i + 4) : -1;
  if (parts.minute < 0 || parts.second < 0) return undefined;
  parts.hasTime = true;
  i += 6;
  if (text.charCodeAt(i) === 46) {
    const start = ++i;
    while (i < text.length && isDigit(text.charCodeAt(i))) i++;
    if (i === start) return undefined;
    let end = i;
    while (end > start && text.charCodeAt(end - 1) === 48) end--;
    parts.fraction = text.slice(start, end);
  }
  if (i === text.length) return parts;
  if (!parts.hasDate) return undefined;
  parts.offset = readOffset(text, i);
  return parts.offset === undefined ? undefined : parts;
}

/** `Z`, `±HH`, `±HH:MM`, `±HHMM`, `±HH:MM:SS` at `i`, to the end of the text, as seconds east of UTC. */
function readOffset(text: string, i: number): number | undefined {
  const sign = text.charCodeAt(i);
  if (sign === 90 && i + 1 === text.length) return 0;
  if (sign !== 43 && sign !== 45) return undefined;
  const fields: number[] = [];
  i++;
  while (i < text.length && fields.length < 3) {
    if (fields.length > 0 && text.charCodeAt(i) === 58) i++;
    const field = two(text, i);
    if (field < 0) return undefined;
    fields.push(field);
    i += 2;
  }
  const [hours = -1, minutes = 0, seconds = 0] = fields;
  if (i !== text.length || hours < 0 || hours > 15 || minutes > 59 || seconds > 59) return undefined;
  const total = hours * 3600 + minutes * 60 + seconds;
  return sign === 45 ? -total : total;
}

/** What is wrong with the date, in words that follow "is not a valid date (…)"; undefined when valid. */
export function dateProblem(p: TemporalParts): string | undefined {
  if (p.year === 0 || p.month === 0 || p.day === 0) {
    if (p.year === 0 && p.month === 0 && p.day === 0) return 'MySQL zero date';
    const zero = [p.year === 0 && 'year 0000', p.month === 0 && 'month 00', p.day === 0 && 'day 00'];
    return `MySQL zero date: ${zero.filter(Boolean).join(', ')}`;
  }
  if (p.month > 12) return `month ${p.month}`;
  const days = daysInMonth(p.year, p.month);
  if (p.day <= days) return undefined;
  const month = MONTHS[p.month - 1]!;
  return p.month === 2 ? `${month} ${p.year} has ${days} days` : `${month} has ${days} days`;
}

/** What is wrong with the clock, for a time of day; undefined when valid. */
export function clockProblem(p: TemporalParts, allow24: boolean): string | undefined {
  if (p.minute > 59) return `minute ${p.minute}`;
  if (p.second > 59) return `second ${p.second}`;
  if (p.hour < 24) return undefined;
  if (allow24 && p.hour === 24 && p.minute === 0 && p.second === 0 && p.fraction === '') return undefined;
  return `hour ${p.hour}`;
}

/** Moves the parts to UTC and clears the offset; the year may leave 1..9999. */
export function shiftToUtc(p: TemporalParts): void {
  const offset = p.offset ?? 0;
  p.offset = undefined;
  if (offset === 0) return;
  const seconds =
    daysFromCivil(p.year, p.month, p.day) * 86400 + p.hour * 3600 + p.minute * 60 + p.second - offset;
  const days = Math.floor(seconds / 86400);
  const rest = seconds - days * 86400;
  [p.year, p.month, p.day] = civilFromDays(days);
  p.hour = Math.floor(rest / 3600);
  p.minute = Math.floor(rest / 60) % 60;
  p.second = rest % 60;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function formatDate(p: TemporalParts): string {
  return `${String(p.year).padStart(4, '0')}-${pad2(p.month)}-${pad2(p.day)}`;
}

export function formatClock(p: TemporalParts): string {
  const clock = `${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}`;
  return p.fraction === '' ? clock : `${clock}.${p.fraction}`;
}
