import { z } from 'zod';
import { labelledNumber, peopleError } from './labelled.ts';

const worded = { error: peopleError } as const;

/**
 * The spec's optional `schedule` section, as wizard step 4 writes it: when a project runs, in which
 * time zone, what to retry, whom to alert and which projects it waits for. The scheduler in
 * `@databridge/queue` does the time arithmetic; this module only checks what the user wrote, so that a
 * bad expression is refused when the spec is saved, naming the part of it that is wrong.
 */

/** Named schedules the wizard offers; a preset is stored by name beside its expression. */
export const SCHEDULE_PRESETS = {
  every_15_minutes: '*/15 * * * *',
  hourly: '0 * * * *',
  daily: '0 0 * * *',
  weekly: '0 0 * * 0',
  monthly: '0 0 1 * *',
} as const;

export const SchedulePreset = z.enum(['every_15_minutes', 'hourly', 'daily', 'weekly', 'monthly'], worded);
export type SchedulePreset = z.infer<typeof SchedulePreset>;

/** The values each field of a 5-field cron expression matches, Sunday as 0. */
export interface CronFields {
  readonly minute: readonly number[];
  readonly hour: readonly number[];
  readonly dayOfMonth: readonly number[];
  readonly month: readonly number[];
  readonly dayOfWeek: readonly number[];
}

export type CronCheck =
  | { readonly ok: true; readonly expression: string; readonly fields: CronFields }
  | { readonly ok: false; readonly message: string };

interface FieldRule {
  readonly key: keyof CronFields;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const RULES: readonly FieldRule[] = [
  { key: 'minute', label: 'minute', min: 0, max: 59 },
  { key: 'hour', label: 'hour', min: 0, max: 23 },
  { key: 'dayOfMonth', label: 'day-of-month', min: 1, max: 31 },
  { key: 'month', label: 'month', min: 1, max: 12, names: MONTHS },
  { key: 'dayOfWeek', label: 'day-of-week', min: 0, max: 7, names: DAYS },
];
const MONTH_LENGTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Checks a 5-field cron expression (`minute hour day-of-month month day-of-week`) with `*`, lists,
 * ranges, steps and the names JAN-DEC and SUN-SAT. Errors name the field, e.g.
 * `the hour field "25": 25 is outside 0-23`. Quartz extensions (`L`, `W`, `#`, `?`, seconds) are
 * refused so that every expression means the same in the validator, the scheduler and the description.
 */
export function checkCronExpression(text: string): CronCheck {
  const parts = text.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return { ok: false, message: 'must not be empty' };
  if (parts.length === 1 && /^@?[a-z_0-9]+$/i.test(parts[0]!)) {
    return {
      ok: false,
      message: `unknown preset "${parts[0]}": use ${SchedulePreset.options.join(', ')} or a 5-field cron expression`,
    };
  }
  if (parts.length !== 5) {
    const seconds = parts.length === 6 ? ' (a seconds field is not supported)' : '';
    return {
      ok: false,
      message: `expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}${seconds}`,
    };
  }
  const values: Partial<Record<keyof CronFields, number[]>> = {};
  for (const [index, rule] of RULES.entries()) {
    const field = parts[index]!;
    const expanded = expandField(field, rule);
    if (typeof expanded === 'string')
      return { ok: false, message: `the ${rule.label} field "${field}": ${expanded}` };
    values[rule.key] = expanded;
  }
  const fields = values as CronFields;
  const never = neverRuns(fields, parts[4]!);
  if (never) return { ok: false, message: never };
  return { ok: true, expression: parts.join(' '), fields };
}

function expandField(field: string, rule: FieldRule): number[] | string {
  const found = new Set<number>();
  for (const item of field.split(',')) {
    if (item === '') return 'has an empty list item';
    const match = /^([^/]+)(?:\/(.*))?$/.exec(item);
    if (!match) return `cannot read "${item}"`;
    const [, range, stepText] = match;
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1)
        return `step "/${stepText}" must be a whole number ≥ 1`;
      step = Number(stepText);
      if (step > rule.max - rule.min + 1)
        return `step /${step} is wider than the field's range ${rule.min}-${rule.max}`;
    }
    let from: number;
    let to: number;
    if (range === '*') {
      from = rule.min;
      to = rule.max;
    } else {
      const ends = range!.split('-');
      if (ends.length > 2) return `cannot read the range "${range}"`;
      const first = readValue(ends[0]!, rule);
      if (typeof first === 'string') return first;
      from = first;
      if (ends.length === 2) {
        const last = readValue(ends[1]!, rule);
        if (typeof last === 'string') return last;
        to = last;
        if (from > to) return `the range ${range} runs backwards: write it as two ranges`;
      } else {
        // `5/15` means "from 5 to the end, every 15th", as in Vixie cron.
        to = stepText === undefined ? from : rule.max;
      }
    }
    for (let v = from; v <= to; v += step) found.add(rule.key === 'dayOfWeek' && v === 7 ? 0 : v);
  }
  return [...found].sort((a, b) => a - b);
}

function readValue(text: string, rule: FieldRule): number | string {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < rule.min || value > rule.max) return `${value} is outside ${rule.min}-${rule.max}`;
    return value;
  }
  const named = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + (rule.key === 'month' ? 1 : 0);
  if (/^(?:[LWH?]|LW|\d+[LW]|\d+#\d+|H\(.*\))$/i.test(text))
    return `"${text}" is not supported: use numbers, ranges, lists and steps`;
  const hint = rule.names ? ` (use ${rule.min}-${rule.max} or ${rule.names[0]}-${rule.names.at(-1)})` : '';
  return `"${text}" is not a number${hint}`;
}

/** A day of month no listed month has (`0 0 31 2 *`) would never run: refuse it now, not never. */
function neverRuns(fields: CronFields, dayOfWeekText: string): string | null {
  if (dayOfWeekText !== '*') return null;
  const fits = fields.month.some((m) => fields.dayOfMonth.some((d) => d <= MONTH_LENGTH[m - 1]!));
  if (fits) return null;
  const months = fields.month.map((m) => MONTHS[m - 1]).join(', ');
  return `the day-of-month field: ${months} never has day ${fields.dayOfMonth.join(', ')}, so it would never run`;
}

/** Accepts an IANA name in any letter case (`europe/berlin`), stored as IANA spells it. */
const TimeZoneName = z
  .string(worded)
  .trim()
  .min(1, worded)
  .transform((name, ctx) => {
    if (/^[+-]?\d/.test(name)) {
      ctx.addIssue({
        code: 'custom',
        message: `Time zone must be an IANA time zone name such as Europe/Berlin (not “${name}”).`,
      });
      return z.NEVER;
    }
    try {
      const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
      return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `Time zone “${name}” is not known: use an IANA name such as UTC, Europe/Berlin or America/New_York.`,
      });
      return z.NEVER;
    }
  });

export const ScheduleAlerts = z
  .object({
    /** Addresses that receive alert emails (SMTP settings come from the environment). */
    emails: z.array(z.email(worded), worded).default([]),
    /** A Slack (or compatible) incoming webhook URL; it is a secret, so prefer `${SLACK_WEBHOOK_URL}`. */
    slackWebhookUrl: z
      .url({
        protocol: /^https?$/,
        error: (issue) =>
          `Slack webhook URL must be the https:// address of an incoming webhook (not “${String(issue.input)}”).`,
      })
      .optional(),
    onFailure: z.boolean(worded).default(true),
    onRecovery: z.boolean(worded).default(false),
    onSla: z.boolean(worded).default(true),
  })
  .strict();
export type ScheduleAlerts = z.infer<typeof ScheduleAlerts>;

export const RetrySettings = z
  .object({
    /** Extra attempts after a transient failure; 0 turns retries off. */
    maxRetries: labelledNumber({ label: 'Retries', min: 0, max: 10, unit: 'retries' }).default(0),
    /** Wait before the first retry. */
    delayMinutes: labelledNumber({
      label: 'Retry delay',
      min: 0,
      max: 1440,
      whole: false,
      unit: 'minutes',
    }).default(5),
    /** Double the wait after each failed attempt, up to `maxDelayMinutes`. */
    exponentialBackoff: z.boolean(worded).default(false),
    maxDelayMinutes: labelledNumber({
      label: 'Longest retry delay',
      min: 0,
      max: 1440,
      whole: false,
      unit: 'minutes',
    }).default(60),
  })
  .strict()
  .refine((r) => r.maxDelayMinutes >= r.delayMinutes, {
    message: 'Longest retry delay must be at least the retry delay.',
    path: ['maxDelayMinutes'],
  });
export type RetrySettings = z.infer<typeof RetrySettings>;

const ScheduleFields = z
  .object({
    /** Set when the wizard's preset was chosen; `cron` then holds its expression. */
    preset: SchedulePreset.optional(),
    /** A 5-field cron expression, or a preset name as a shorthand. */
    cron: z.string(worded).trim().min(1, worded).optional(),
    timezone: TimeZoneName.default('UTC'),
    enabled: z.boolean(worded).default(true),
    /**
     * Who starts the timetable's runs: DataBridge's scheduler, or Airflow (a deployed DAG file calls
     * the API for each of its runs, so DataBridge's scheduler leaves the project alone).
     */
    owner: z.enum(['databridge', 'airflow'], worded).default('databridge'),
    /** A run still going after this long sends one SLA alert. */
    sla: z
      .object({ minutes: labelledNumber({ label: 'SLA', min: 1, max: 10_080, unit: 'minutes' }) })
      .strict()
      .optional(),
    alerts: ScheduleAlerts.prefault({}),
    retries: RetrySettings.prefault({}),
    /** Upstream projects (ids or names) whose run for the same logical date must complete first. */
    dependsOn: z
      .array(z.string(worded).trim().min(1, worded), worded)
      .default([])
      .refine(
        (names) => new Set(names).size === names.length,
        'Projects it depends on: a project is listed twice.',
      ),
    /** After downtime: start every missed run (true) or only the latest (false). */
    catchUp: z.boolean(worded).default(false),
    maxActiveRuns: labelledNumber({ label: 'Runs at once', min: 1, max: 100, unit: 'runs' }).default(1),
    /** A due run beyond `maxActiveRuns` waits for a slot, or is skipped and recorded as such. */
    whenMaxActive: z.enum(['wait', 'skip'], worded).default('wait'),
  })
  .strict();

/**
 * Without `cron` (and `preset`) a project has no timetable. `cron` may hold a preset name (`cron: daily`); the parsed settings then carry both
 * `preset: daily` and `cron: '0 0 * * *'`, which parse again to the same thing.
 */
type ScheduleOutput = Omit<z.output<typeof ScheduleFields>, 'preset' | 'cron'> & {
  readonly preset?: SchedulePreset;
  /** The 5-field expression; absent when the project has no timetable. */
  readonly cron?: string;
};

export const ScheduleSettings = ScheduleFields.transform((settings, ctx): ScheduleOutput => {
  const { preset: givenPreset, cron: givenCron, ...rest } = settings;
  const fail = (problem: string) => {
    ctx.addIssue({ code: 'custom', path: ['cron'], message: `Schedule: ${problem}.` });
    return z.NEVER;
  };
  let preset = givenPreset;
  let text = givenCron;
  const named = SchedulePreset.safeParse(givenCron);
  if (named.success) {
    if (preset && preset !== named.data)
      return fail(`the cron field says ${named.data} but the preset says ${preset}`);
    preset = named.data;
    text = undefined;
  }
  if (text === undefined) {
    // No timetable: the project runs when started by hand or by the API, with the retry, alert,
    // SLA and dependency settings still in force.
    if (!preset) return { ...rest };
    text = SCHEDULE_PRESETS[preset];
  }
  const check = checkCronExpression(text);
  if (!check.ok) return fail(`“${text}” is not a cron expression: ${check.message}`);
  if (preset && check.expression !== SCHEDULE_PRESETS[preset]) {
    return fail(`"${text}" is not the ${preset} preset (${SCHEDULE_PRESETS[preset]}): give one or the other`);
  }
  return { ...(preset ? { preset } : {}), cron: check.expression, ...rest };
});
export type ScheduleSettings = z.infer<typeof ScheduleSettings>;
export type ScheduleSettingsInput = z.input<typeof ScheduleSettings>;
