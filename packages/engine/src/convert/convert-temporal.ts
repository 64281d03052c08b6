import type { ValueLimits } from '../connectors/connector.ts';
import type { Value } from '../values.ts';
import { type ConvertContext, type Converter, nativeBase, typeLabel } from './convert-types.ts';
import { show } from './row-value-error.ts';
import {
  clockEnd,
  clockProblem,
  dateProblem,
  formatClock,
  formatDate,
  isDateAt,
  parseTemporal,
  shiftToUtc,
  type TemporalParts,
} from './temporal-text.ts';

const EXPECTED = {
  date: 'YYYY-MM-DD',
  time: 'HH:MM:SS',
  timestamp: 'YYYY-MM-DD HH:MM:SS',
  timestamptz: 'YYYY-MM-DD HH:MM:SS+HH',
} as const;
type TemporalType = keyof typeof EXPECTED;

/**
 * date, time, timestamp and timestamptz, read from text only (`Date` objects never travel, numbers are
 * not guessed as epochs). Calendars and clocks are checked: February 30, month 13, hour 25 and MySQL's
 * zero dates (`0000-00-00`, `2024-00-10`) are rejected. Fractions of a second keep at most the target's
 * digits (6; MySQL's datetime/time/timestamp without `(n)` keep none): more is rejected, as the
 * database would round (truncate cuts them). Output has no trailing fraction zeros.
 */
export function temporalConverter(ctx: ConvertContext): Converter {
  const type = ctx.target.type as TemporalType;
  const fsp = fractionRoom(ctx);
  const slow = slowTemporal(ctx, type, fsp);
  switch (type) {
    case 'date':
      return (value) => {
        if (typeof value === 'string' && value.length === 10 && isDateAt(value, 0)) return value;
        return value === null ? null : slow(value);
      };
    case 'time':
      return (value) => {
        if (typeof value === 'string' && clockEnd(value, 0, fsp, true) === value.length) return value;
        return value === null ? null : slow(value);
      };
    case 'timestamp':
      return (value) => {
        if (typeof value === 'string' && value.charCodeAt(10) === 32 && isDateAt(value, 0)) {
          if (clockEnd(value, 11, fsp, false) === value.length) return value;
        }
        return value === null ? null : slow(value);
      };
    case 'timestamptz': {
      const range = timestampRange(ctx);
      return (value) => {
        if (typeof value === 'string' && value.endsWith('+00') && value.charCodeAt(10) === 32) {
          const inRange = !range || (value >= range.first && value < range.after);
          if (inRange && isDateAt(value, 0) && clockEnd(value, 11, fsp, false) === value.length - 3)
            return value;
        }
        return value === null ? null : slow(value);
      };
    }
  }
}

/** Digits of a fraction of a second the target keeps: `(n)` in the native type, else the default. */
export function fractionRoom(ctx: Pick<ConvertContext, 'target' | 'limits'>): number {
  const { fraction } = ctx.limits;
  if (!fraction.declared) return fraction.undeclared;
  const declared = /\((\d)\)/.exec(ctx.target.nativeType);
  if (declared) return Number(declared[1]);
  return ctx.target.nativeType.trim() !== '' ? fraction.undeclared : 6;
}

/** The range a timestamptz value must fall in where the target's native `timestamp` is narrow. */
export function timestampRange(
  ctx: Pick<ConvertContext, 'target' | 'limits'>,
): ValueLimits['timestampRange'] {
  return nativeBase(ctx.target.nativeType) === 'timestamp' ? ctx.limits.timestampRange : undefined;
}

function slowTemporal(ctx: ConvertContext, type: TemporalType, fsp: number): (value: Value) => Value {
  const { fail, onInvalid } = ctx;
  const label = typeLabel(ctx.target, type);
  const kind = type === 'timestamptz' ? 'timestamp' : type;
  const truncate = onInvalid === 'truncate';
  const range = type === 'timestamptz' ? timestampRange(ctx) : undefined;

  const invalid = (text: string, why: string): null => fail(`${show(text)} is not a valid ${kind} (${why})`);

  /** Checks the calendar, the clock and the fraction; null when the value failed. */
  const readParts = (text: string): TemporalParts | null => {
    const parts = parseTemporal(text);
    if (parts === undefined) return invalid(text, `expected ${EXPECTED[type]}`);
    const day = parts.hasDate ? dateProblem(parts) : undefined;
    if (day !== undefined) return invalid(text, day);
    if (parts.hasTime) {
      if (!parts.hasDate && (parts.negative || parts.hour > 24)) {
        return fail(
          `${show(text)} is not a time of day (00:00:00 to 24:00:00); MySQL TIME durations do not convert`,
        );
      }
      const clock = clockProblem(parts, type === 'time' && !parts.hasDate);
      if (clock !== undefined) return invalid(text, clock);
    }
    if (parts.fraction.length > fsp) {
      if (!truncate) {
        const keeps = fsp === 0 ? 'whole seconds only' : `${fsp}`;
        return fail(
          `${show(text)} has ${parts.fraction.length} digits of fractional seconds, ${label} keeps ${keeps} (it would be rounded)`,
        );
      }
      parts.fraction = parts.fraction.slice(0, fsp).replace(/0+$/, '');
    }
    shiftToUtc(parts);
    if (parts.hasDate && (parts.year < 1 || parts.year > 9999))
      return fail(`${show(text)} falls outside the years 1 to 9999 in UTC`);
    return parts;
  };

  const hasTimeOfDay = (p: TemporalParts): boolean =>
    p.hour !== 0 || p.minute !== 0 || p.second !== 0 || p.fraction !== '';

  const convert = (text: string): Value => {
    const parts = readParts(text);
    if (parts === null) return null;
    switch (type) {
      case 'date':
        if (!parts.hasDate) return invalid(text, `expected ${EXPECTED.date}`);
        if (hasTimeOfDay(parts) && !truncate)
          return fail(`${show(text)} has a time of day, which ${label} would drop`);
        return formatDate(parts);
      case 'time':
        if (!parts.hasTime) return invalid(text, `expected ${EXPECTED.time}`);
        if (parts.hasDate && !truncate) return fail(`${show(text)} has a date, which ${label} would drop`);
        return formatClock(parts);
      case 'timestamp':
        if (!parts.hasDate) return invalid(text, `expected ${EXPECTED.timestamp}`);
        return `${formatDate(parts)} ${formatClock(parts)}`;
      case 'timestamptz': {
        if (!parts.hasDate) return invalid(text, `expected ${EXPECTED.timestamptz}`);
        const utc = `${formatDate(parts)} ${formatClock(parts)}`;
        if (range && (utc < range.first || utc >= range.after)) {
          return fail(
            `${show(text)} is outside ${ctx.databaseLabel}'s TIMESTAMP range (${range.first} to ${range.last} UTC)`,
          );
        }
        return `${utc}+00`;
      }
    }
  };

  return (value) => {
    if (typeof value === 'string') return convert(value);
    return fail(
      `${show(value)} cannot be stored in ${label}: only text such as "2024-01-31 13:45:00" converts`,
    );
  };
}
