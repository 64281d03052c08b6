import { DataBridgeError } from '@databridge/engine';
import { type CronSchedule, compileSchedule } from './cron.ts';
import { scanBetween } from './occurrences.ts';

/** The most runs one backfill request may create; a larger range is refused, not cut short. */
export const MAX_BACKFILL_RUNS = 1000;

/**
 * Every scheduled instant in [from, to], both ends included, oldest first: one backfill run each,
 * with that instant as its logical date. Throws `bad_spec` when `from` is after `to` or when the
 * range holds more than `limit` (default 1000) scheduled times.
 */
export function backfillDates(
  schedule: CronSchedule,
  from: Date,
  to: Date,
  limit = MAX_BACKFILL_RUNS,
): Date[] {
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
    throw new DataBridgeError('bad_spec', 'backfill: from and to must be valid dates', { where: 'backfill' });
  }
  if (from > to) {
    throw new DataBridgeError(
      'bad_spec',
      `From (${from.toISOString()}) is after to (${to.toISOString()}): swap them.`,
      { where: 'from' },
    );
  }
  const found = scanBetween(compileSchedule(schedule), from.getTime() - 1, to.getTime(), limit + 1);
  if (found.length > limit) {
    throw new DataBridgeError(
      'bad_spec',
      `backfill: ${from.toISOString()} to ${to.toISOString()} holds more than ${limit} scheduled runs: ask for a shorter range`,
      { where: 'backfill' },
    );
  }
  return found.map((instant) => new Date(instant));
}
