import type { MigrationSpec } from '@databridge/engine';
import cronstrue from 'cronstrue';
import {
  checkCronExpression,
  SCHEDULE_PRESETS,
  type SchedulePreset,
  ScheduleSettings,
} from '../../../../../lib/client-safe.ts';
import { checkDraft, type DraftCheck, numberOf } from './draft-check.ts';

type Schedule = NonNullable<MigrationSpec['schedule']>;
export type Timetable = 'none' | SchedulePreset | 'custom';

export const PRESET_LABELS: Record<SchedulePreset, string> = {
  every_15_minutes: 'Every 15 minutes',
  hourly: 'Hourly',
  daily: 'Daily',
  weekly: 'Weekly',
  monthly: 'Monthly',
};

/** Offered before the browser's own list arrives (and wherever it has none). */
export const COMMON_TIME_ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/Madrid',
  'Europe/Warsaw',
  'Europe/Istanbul',
  'Africa/Johannesburg',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Asia/Shanghai',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
  'America/Sao_Paulo',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
];

export interface ScheduleDraft {
  timetable: Timetable;
  cron: string;
  timezone: string;
  enabled: boolean;
  sla: string;
  emails: string;
  slack: string;
  onFailure: boolean;
  onRecovery: boolean;
  onSla: boolean;
  maxRetries: string;
  delayMinutes: string;
  exponentialBackoff: boolean;
  maxDelayMinutes: string;
  dependsOn: string[];
  catchUp: boolean;
  maxActiveRuns: string;
  whenMaxActive: 'wait' | 'skip';
  owner: 'databridge' | 'airflow';
}

/** The timetable of a schedule; one without `cron` runs only when started. */
function timetableOf(schedule: Schedule | undefined): { cron?: string; preset?: SchedulePreset } {
  return schedule && 'cron' in schedule ? schedule : {};
}

export function scheduleDraftOf(schedule: Schedule | undefined): ScheduleDraft {
  const s = schedule;
  const { cron, preset } = timetableOf(s);
  return {
    timetable: preset ?? (cron ? 'custom' : 'none'),
    cron: cron ?? '',
    timezone: s?.timezone ?? 'UTC',
    enabled: s?.enabled ?? true,
    sla: s?.sla ? String(s.sla.minutes) : '',
    emails: s?.alerts.emails.join(', ') ?? '',
    slack: s?.alerts.slackWebhookUrl ?? '',
    onFailure: s?.alerts.onFailure ?? true,
    onRecovery: s?.alerts.onRecovery ?? false,
    onSla: s?.alerts.onSla ?? true,
    maxRetries: String(s?.retries.maxRetries ?? 0),
    delayMinutes: String(s?.retries.delayMinutes ?? 5),
    exponentialBackoff: s?.retries.exponentialBackoff ?? false,
    maxDelayMinutes: String(s?.retries.maxDelayMinutes ?? 60),
    dependsOn: [...(s?.dependsOn ?? [])],
    catchUp: s?.catchUp ?? false,
    maxActiveRuns: String(s?.maxActiveRuns ?? 1),
    whenMaxActive: s?.whenMaxActive ?? 'wait',
    owner: s?.owner ?? 'databridge',
  };
}

function candidate(d: ScheduleDraft): Record<string, unknown> {
  const timetable =
    d.timetable === 'none'
      ? {}
      : d.timetable === 'custom'
        ? { cron: d.cron }
        : { preset: d.timetable, cron: SCHEDULE_PRESETS[d.timetable] };
  return {
    ...timetable,
    timezone: d.timezone,
    enabled: d.enabled,
    ...(d.sla.trim() ? { sla: { minutes: numberOf(d.sla) } } : {}),
    alerts: {
      ...alertTargetsOf(d),
      onFailure: d.onFailure,
      onRecovery: d.onRecovery,
      onSla: d.onSla,
    },
    retries: {
      maxRetries: numberOf(d.maxRetries),
      delayMinutes: numberOf(d.delayMinutes),
      exponentialBackoff: d.exponentialBackoff,
      maxDelayMinutes: numberOf(d.maxDelayMinutes),
    },
    dependsOn: d.dependsOn,
    catchUp: d.catchUp,
    maxActiveRuns: numberOf(d.maxActiveRuns),
    whenMaxActive: d.whenMaxActive,
    owner: d.owner,
  };
}

/** The cron box's verdict as the user types: a plain-language description, or what is wrong. */
export function describeCron(expression: string): { ok: true; text: string } | { ok: false; text: string } {
  const check = checkCronExpression(expression);
  if (!check.ok) return { ok: false, text: check.message };
  try {
    return {
      ok: true,
      text: cronstrue.toString(check.expression, {
        use24HourTimeFormat: true,
        throwExceptionOnParseError: true,
      }),
    };
  } catch (error) {
    return { ok: false, text: error instanceof Error ? error.message : String(error) };
  }
}

/** Where alerts go as typed: addresses split on commas, spaces or semicolons; a blank webhook is none. */
export function alertTargetsOf(d: ScheduleDraft): { emails: string[]; slackWebhookUrl?: string } {
  return {
    emails: d.emails
      .split(/[\s,;]+/)
      .map((e) => e.trim())
      .filter(Boolean),
    ...(d.slack.trim() ? { slackWebhookUrl: d.slack.trim() } : {}),
  };
}

/** The schedule the draft stands for, or each invalid field's sentence keyed by its path. */
export function checkScheduleDraft(d: ScheduleDraft): DraftCheck<Schedule> {
  return checkDraft(ScheduleSettings, candidate(d), 'The schedule is not valid.');
}

/**
 * Picks a timetable. Custom cron starts from an example (02:30 on weekdays) when none was typed, and
 * what was typed is kept while a preset is tried.
 */
export function chooseTimetable(d: ScheduleDraft, timetable: Timetable): ScheduleDraft {
  return { ...d, timetable, cron: timetable === 'custom' && !d.cron ? '30 2 * * 1-5' : d.cron };
}

/** The cron expression the chosen timetable runs on ('' when only started by hand). */
export function cronOf(d: ScheduleDraft): string {
  if (d.timetable === 'custom') return d.cron;
  return d.timetable === 'none' ? '' : SCHEDULE_PRESETS[d.timetable];
}

/**
 * What the cron box says: the schema's sentence first, else why the expression cannot be read; only a
 * custom expression has a box to show it in.
 */
export function cronErrorOf(d: ScheduleDraft, errors: Readonly<Record<string, string>>): string | undefined {
  if (d.timetable !== 'custom') return undefined;
  const verdict = d.cron.trim() ? describeCron(d.cron) : null;
  return errors.cron ?? (verdict?.ok === false ? verdict.text : undefined);
}

/**
 * The time zones matching a search (spaces match underscores, any case), the chosen one always first
 * when the search hides it so the list never loses the current choice.
 */
export function matchingZones(zones: readonly string[], query: string, chosen: string): readonly string[] {
  const q = query.trim().toLowerCase().replace(/\s+/g, '_');
  const list = q ? zones.filter((z) => z.toLowerCase().includes(q)) : zones;
  return list.includes(chosen) ? list : [chosen, ...list];
}

/** The projects waited for, with `projectId` added or removed. */
export function withDependency(d: ScheduleDraft, projectId: string, waits: boolean): string[] {
  return waits ? [...d.dependsOn, projectId] : d.dependsOn.filter((id) => id !== projectId);
}
