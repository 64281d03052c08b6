import { StoreError } from './errors.ts';

/**
 * Conversions between the values the repositories speak (ISO-8601 text, booleans, objects) and what
 * the two drivers hand back: PostgreSQL returns `timestamptz` as a Date, `boolean` as a boolean and
 * `jsonb` parsed; SQLite returns text and 0/1. Writes use ISO text, 0/1 and JSON text, which both
 * databases accept for those column types.
 */

/** A point in time as a caller may hold it: a Date, epoch milliseconds (the engine's progress) or ISO text. */
export type TimeInput = Date | number | string;

export function toIso(time: TimeInput): string {
  const date = time instanceof Date ? time : new Date(time);
  if (Number.isNaN(date.getTime()))
    throw new StoreError('bad_input', `"${String(time)}" is not a valid time`);
  return date.toISOString();
}

export function toIsoOrNull(time: TimeInput | null | undefined): string | null {
  return time === null || time === undefined ? null : toIso(time);
}

export function readTime(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

export function readTimeOrNull(value: Date | string | null): string | null {
  return value === null ? null : readTime(value);
}

export function writeBool(value: boolean): number {
  return value ? 1 : 0;
}

export function readBool(value: boolean | number): boolean {
  return value === true || value === 1;
}

/** JSON columns hold objects or arrays only, so a string read back is always JSON text to parse. */
export function writeJson(value: object): string {
  return JSON.stringify(value);
}

export function readJson<T extends object>(value: T | string): T {
  return typeof value === 'string' ? (JSON.parse(value) as T) : value;
}

export function readJsonOrNull<T extends object>(value: T | string | null): T | null {
  return value === null ? null : readJson(value);
}
