import { compileSchedule } from './cron.ts';
import { instantsAfter } from './occurrences.ts';

/** What a project's timetable says about its next run, as the projects list shows it. */
export type NextRun =
  | {
      readonly state: 'scheduled';
      /** The instant, ISO 8601 UTC. */
      readonly at: string;
      readonly timezone: string;
      /** The wall-clock time in the project's time zone, e.g. "Mon 7 Dec, 02:30". */
      readonly local: string;
    }
  /** The timetable exists but is switched off. */
  | { readonly state: 'paused' }
  /** No timetable (a run starts only by hand, a dependency or a backfill). */
  | { readonly state: 'not_scheduled' }
  /** The saved expression or time zone no longer checks out; the message says why. */
  | { readonly state: 'invalid'; readonly message: string };

/** The parts of a spec's `schedule` the next run depends on. */
export interface TimetableSettings {
  readonly cron?: string | undefined;
  readonly timezone?: string | undefined;
  readonly enabled?: boolean | undefined;
}

/**
 * The next run of a timetable strictly after `now`, from the scheduler's own arithmetic (the same
 * generator the scheduler claims due runs from), shown in the timetable's time zone.
 */
export function nextRun(schedule: TimetableSettings | undefined, now: Date): NextRun {
  if (!schedule?.cron) return { state: 'not_scheduled' };
  if (schedule.enabled === false) return { state: 'paused' };
  let compiled: ReturnType<typeof compileSchedule>;
  try {
    compiled = compileSchedule({
      cron: schedule.cron,
      ...(schedule.timezone ? { timezone: schedule.timezone } : {}),
    });
  } catch (error) {
    return { state: 'invalid', message: error instanceof Error ? error.message : String(error) };
  }
  const next = instantsAfter(compiled, now.getTime()).next();
  if (next.done) return { state: 'not_scheduled' };
  return {
    state: 'scheduled',
    at: new Date(next.value).toISOString(),
    timezone: compiled.timezone,
    local: wallClockLabel(next.value, compiled.timezone, now.getTime()),
  };
}

/** "Mon 7 Dec, 02:30": the 24-hour wall clock in `timeZone`, with the year only when it is not `now`'s. */
function wallClockLabel(instant: number, timeZone: string, now: number): string {
  const part = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-GB', { timeZone, ...options }).format(instant);
  const year = part({ year: 'numeric' });
  const sameYear = year === new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric' }).format(now);
  const day = part({ weekday: 'short', day: 'numeric', month: 'short' }).replace(',', '');
  const time = part({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return `${day}${sameYear ? '' : ` ${year}`}, ${time}`;
}
