import {
  checkCronExpression,
  DataBridgeError,
  messageOf,
  SCHEDULE_PRESETS,
  SchedulePreset,
} from '@databridge/engine';
import { CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';
import { isTimeZone } from './time-zone.ts';

/** What the time arithmetic needs of a project's schedule; `ScheduleSettings` fits. */
export interface CronSchedule {
  /** A 5-field cron expression or a preset name (`daily`). */
  readonly cron: string;
  /** An IANA time zone name; UTC when absent. */
  readonly timezone?: string;
}

/** A schedule checked and ready for the scheduler. */
export interface CompiledSchedule {
  readonly expression: string;
  readonly timezone: string;
  /**
   * True when the hour field matches every hour (every 15 minutes, hourly): such a schedule keeps
   * its spacing in real time across clock changes instead of following the wall clock.
   */
  readonly everyHour: boolean;
}

export type CronValidation =
  | {
      readonly ok: true;
      readonly expression: string;
      readonly preset: SchedulePreset | undefined;
      /** Plain language, e.g. "At 02:30, Monday through Friday". */
      readonly description: string;
    }
  | { readonly ok: false; readonly message: string };

/**
 * Checks a preset name or a 5-field cron expression as the wizard's cron box does while the user
 * types: either the expression with its description, or a message naming the part that is wrong.
 */
export function validateCron(text: string): CronValidation {
  const preset = SchedulePreset.safeParse(text.trim());
  const check = checkCronExpression(preset.success ? SCHEDULE_PRESETS[preset.data] : text);
  if (!check.ok) return check;
  return {
    ok: true,
    expression: check.expression,
    preset: preset.success ? preset.data : undefined,
    description: describeExpression(check.expression),
  };
}

/**
 * A schedule in plain language with its time zone, e.g. "At 02:30, Monday through Friday
 * (Europe/Berlin time)". Throws `bad_spec` for an invalid expression.
 */
export function describeSchedule(schedule: CronSchedule): string {
  const { expression, timezone } = compileSchedule(schedule);
  return `${describeExpression(expression)} (${timezone} time)`;
}

/** Checks the expression and the time zone once; throws `bad_spec` naming what is wrong. */
export function compileSchedule(schedule: CronSchedule): CompiledSchedule {
  const preset = SchedulePreset.safeParse(schedule.cron.trim());
  const check = checkCronExpression(preset.success ? SCHEDULE_PRESETS[preset.data] : schedule.cron);
  if (!check.ok)
    throw new DataBridgeError('bad_spec', `schedule.cron: ${check.message}`, { where: 'schedule.cron' });
  const timezone = schedule.timezone ?? 'UTC';
  if (!isTimeZone(timezone)) {
    throw new DataBridgeError('bad_spec', `schedule.timezone: unknown time zone "${timezone}"`, {
      where: 'schedule.timezone',
    });
  }
  try {
    // The validator and cron-parser should agree; if they ever do not, say so as a spec problem.
    CronExpressionParser.parse(check.expression, { tz: 'UTC' });
  } catch (error) {
    throw new DataBridgeError('bad_spec', `schedule.cron: ${messageOf(error)}`, {
      where: 'schedule.cron',
      cause: error,
    });
  }
  return { expression: check.expression, timezone, everyHour: check.fields.hour.length === 24 };
}

function describeExpression(expression: string): string {
  return cronstrue.toString(expression, { use24HourTimeFormat: true, throwExceptionOnParseError: true });
}
