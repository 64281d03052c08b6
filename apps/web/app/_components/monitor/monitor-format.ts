/** Formatting of the live monitor's numbers and times, as a person skims them. */

import type { StageView } from './execution-types.ts';

// Typed by the stage ids, so a stage added to the engine without a label here does not compile.
const STAGE_LABELS: Readonly<Record<StageView['stageId'], string>> = {
  extract: 'Extract',
  transform: 'Transform',
  load_dimensions: 'Load dimensions',
  load_facts: 'Load facts',
  validate: 'Validate',
  report: 'Report',
};

/** A run stage's name as the monitor and the preview show it (`load_facts`: Load facts). */
export function stageLabel(stageId: string): string {
  return (STAGE_LABELS as Readonly<Record<string, string>>)[stageId] ?? stageId;
}

/** `42 s`, `3 min 05 s`, `1 h 02 min`; an em dash for no value. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${pad(whole % 60)} s`;
  return `${Math.floor(whole / 3600)} h ${pad(Math.floor((whole % 3600) / 60))} min`;
}

/** `14:03:27` in the browser's time zone, or an em dash. */
export function formatClock(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Exact row counts with thousands separators: the monitor shows what was loaded, not a rounding. */
export function formatRows(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** `12,345 rows/s`, `3.2 rows/s`. */
export function formatRate(rowsPerSecond: number): string {
  if (!Number.isFinite(rowsPerSecond) || rowsPerSecond <= 0) return '0 rows/s';
  const digits = rowsPerSecond < 10 ? 1 : 0;
  return `${rowsPerSecond.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} rows/s`;
}

/** `99.5%`; a whole number when it is one. */
export function formatPercent(value: number | null): string {
  // A run that handled no row has no success rate (not 100%).
  if (value === null) return '—';
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}

/** Seconds from `start` to `end` (or to `now` while it runs); null before it started. */
export function secondsBetween(start: string | null, end: string | null, now: number): number | null {
  if (!start) return null;
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : now;
  return Number.isNaN(from) || Number.isNaN(to) ? null : Math.max(0, (to - from) / 1000);
}
