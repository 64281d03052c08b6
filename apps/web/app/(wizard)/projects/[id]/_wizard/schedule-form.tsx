'use client';

import type { MigrationSpec } from '@databridge/engine';
import type { ProjectSummary } from '@databridge/queue';
import cronstrue from 'cronstrue';
import { useEffect, useId, useMemo, useState } from 'react';
import { api } from '../../../../../lib/api-client.ts';
import {
  alertDeliveryProblems,
  checkCronExpression,
  issueSentence,
  peopleError,
  SCHEDULE_PRESETS,
  type SchedulePreset,
  ScheduleSettings,
  type SmtpStatus,
} from '../../../../../lib/client-safe.ts';
import { buttonClass, describedBy, Field, inputClass, PageTitle } from '../../../../_components/ui.tsx';
import { stepHeading } from './steps.ts';
import { useWizard } from './wizard-context.tsx';

type Schedule = NonNullable<MigrationSpec['schedule']>;
type Timetable = 'none' | SchedulePreset | 'custom';

const PRESET_LABELS: Record<SchedulePreset, string> = {
  every_15_minutes: 'Every 15 minutes',
  hourly: 'Hourly',
  daily: 'Daily',
  weekly: 'Weekly',
  monthly: 'Monthly',
};

/** Offered before the browser's own list arrives (and wherever it has none). */
const COMMON_TIME_ZONES = [
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

interface Draft {
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

function draftOf(schedule: Schedule | undefined): Draft {
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

const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

function candidate(d: Draft): Record<string, unknown> {
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
    ...(d.sla.trim() ? { sla: { minutes: number(d.sla) } } : {}),
    alerts: {
      emails: d.emails
        .split(/[\s,;]+/)
        .map((e) => e.trim())
        .filter(Boolean),
      ...(d.slack.trim() ? { slackWebhookUrl: d.slack.trim() } : {}),
      onFailure: d.onFailure,
      onRecovery: d.onRecovery,
      onSla: d.onSla,
    },
    retries: {
      maxRetries: number(d.maxRetries),
      delayMinutes: number(d.delayMinutes),
      exponentialBackoff: d.exponentialBackoff,
      maxDelayMinutes: number(d.maxDelayMinutes),
    },
    dependsOn: d.dependsOn,
    catchUp: d.catchUp,
    maxActiveRuns: number(d.maxActiveRuns),
    whenMaxActive: d.whenMaxActive,
    owner: d.owner,
  };
}

/** The cron box's verdict as the user types: a plain-language description, or what is wrong. */
function describe(expression: string): { ok: true; text: string } | { ok: false; text: string } {
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

/** Step 4: when the project runs, in which time zone, what is retried, who is alerted, what it waits for. */
export function ScheduleForm({ smtp }: { smtp: SmtpStatus }) {
  const { spec, edit, reportDraft, project } = useWizard();
  const id = useId();
  const f = (name: string) => `${id}-${name}`;
  const [draft, setDraft] = useState<Draft>(() => draftOf(spec.schedule));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [zoneQuery, setZoneQuery] = useState('');
  const [zones, setZones] = useState<string[]>(COMMON_TIME_ZONES);
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null);

  useEffect(() => () => reportDraft('schedule', null), [reportDraft]);
  useEffect(() => {
    // The browser's full list, once mounted (the server's may differ, so it is not rendered there).
    const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    setZones([...new Set([...COMMON_TIME_ZONES, ...all])]);
    api<ProjectSummary[]>('/api/projects')
      .then((list) => setProjects(list.filter((p) => p.id !== project.id)))
      .catch(() => setProjects([]));
  }, [project.id]);

  const update = (next: Draft) => {
    setDraft(next);
    const parsed = ScheduleSettings.safeParse(candidate(next), { error: peopleError });
    if (parsed.success) {
      setErrors({});
      reportDraft('schedule', null);
      edit((s) => ({ ...s, schedule: parsed.data }));
      return;
    }
    const found: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join('.');
      found[key] ??= issueSentence(issue);
    }
    setErrors(found);
    const message = Object.values(found)[0] ?? 'The schedule is not valid.';
    reportDraft('schedule', {
      step: 'schedule',
      severity: 'error',
      message,
    });
  };
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => update({ ...draft, [key]: value });

  const expression =
    draft.timetable === 'custom'
      ? draft.cron
      : draft.timetable === 'none'
        ? ''
        : SCHEDULE_PRESETS[draft.timetable];
  const verdict = expression.trim() ? describe(expression) : null;
  const cronError =
    draft.timetable === 'custom'
      ? (errors.cron ?? (verdict?.ok === false ? verdict.text : undefined))
      : undefined;
  const filteredZones = useMemo(() => {
    const q = zoneQuery.trim().toLowerCase().replace(/\s+/g, '_');
    const list = q ? zones.filter((z) => z.toLowerCase().includes(q)) : zones;
    return list.includes(draft.timezone) ? list : [draft.timezone, ...list];
  }, [zones, zoneQuery, draft.timezone]);

  const numberField = (
    key: 'sla' | 'maxRetries' | 'delayMinutes' | 'maxDelayMinutes' | 'maxActiveRuns',
    label: string,
    errorKey: string,
    hint: string,
    bounds: { min: number; max: number },
  ) => (
    <Field id={f(key)} label={label} error={errors[errorKey]} hint={hint}>
      <input
        id={f(key)}
        type="number"
        min={bounds.min}
        max={bounds.max}
        className={inputClass(Boolean(errors[errorKey]))}
        value={draft[key]}
        aria-invalid={Boolean(errors[errorKey])}
        aria-describedby={describedBy(f(key), errors[errorKey], true)}
        onChange={(e) => set(key, e.target.value)}
      />
    </Field>
  );
  const checkbox = (
    key: 'enabled' | 'onFailure' | 'onRecovery' | 'onSla' | 'exponentialBackoff' | 'catchUp',
    label: string,
    hint?: string,
  ) => (
    <div className="flex items-start gap-2">
      <input
        id={f(key)}
        type="checkbox"
        className="mt-0.5 h-4 w-4 accent-cyan-600"
        checked={draft[key]}
        onChange={(e) => set(key, e.target.checked)}
        aria-describedby={hint ? f(`${key}-hint`) : undefined}
      />
      <div>
        <label htmlFor={f(key)} className="text-sm font-medium">
          {label}
        </label>
        {hint ? (
          <p id={f(`${key}-hint`)} className="text-xs text-slate-600">
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );

  return (
    // As wide as the other steps (same left edge); the form itself keeps a readable width.
    <div className="mx-auto max-w-6xl space-y-8 *:max-w-4xl">
      <PageTitle
        title={stepHeading('schedule')}
        description="When the migration runs by itself, what happens when a run fails, and who hears about it. Saved in the project's spec."
      />

      <fieldset className="space-y-3">
        <legend className="mb-1 text-lg font-semibold">Timetable</legend>
        <div className="flex flex-wrap gap-2" role="radiogroup" aria-label="Timetable">
          {(['none', ...Object.keys(PRESET_LABELS), 'custom'] as Timetable[]).map((value) => (
            <label
              key={value}
              className={`flex cursor-pointer items-center gap-2 rounded-md border px-3 py-1.5 text-sm ${
                draft.timetable === value
                  ? 'border-brand bg-brand-soft font-semibold'
                  : 'border-slate-300 bg-white'
              }`}
            >
              <input
                type="radio"
                name={f('timetable')}
                className="h-4 w-4 accent-cyan-600"
                checked={draft.timetable === value}
                onChange={() =>
                  update({
                    ...draft,
                    timetable: value,
                    cron: value === 'custom' && !draft.cron ? '30 2 * * 1-5' : draft.cron,
                  })
                }
              />
              {value === 'none'
                ? 'Only when started'
                : value === 'custom'
                  ? 'Custom cron'
                  : PRESET_LABELS[value]}
            </label>
          ))}
        </div>
        {draft.timetable === 'custom' ? (
          <Field
            id={f('cron')}
            label="Cron expression (minute hour day-of-month month day-of-week)"
            error={cronError}
            hint={verdict?.ok ? undefined : 'e.g. 30 2 * * 1-5 runs at 02:30 on weekdays'}
          >
            <input
              id={f('cron')}
              className={`${inputClass(Boolean(cronError))} font-mono`}
              value={draft.cron}
              spellCheck={false}
              aria-invalid={Boolean(cronError)}
              aria-describedby={
                cronError ? `${f('cron')}-error` : verdict?.ok ? f('cron-description') : `${f('cron')}-hint`
              }
              onChange={(e) => set('cron', e.target.value)}
            />
          </Field>
        ) : null}
        {verdict?.ok ? (
          <p
            id={f('cron-description')}
            role="status"
            className="rounded-md bg-accent-soft px-3 py-2 text-sm text-emerald-950"
          >
            <span className="font-mono">{expression}</span>: {verdict.text} ({draft.timezone} time)
            {draft.enabled ? '' : ' — paused'}
          </p>
        ) : null}
        {checkbox(
          'enabled',
          'Schedule enabled',
          'Unticked, the timetable is kept but no run starts by itself.',
        )}
      </fieldset>

      <fieldset className="grid gap-4 md:grid-cols-2">
        <legend className="mb-1 text-lg font-semibold">Time zone</legend>
        <Field id={f('zone-search')} label="Search time zones">
          <input
            id={f('zone-search')}
            type="search"
            className={inputClass()}
            placeholder="e.g. berlin, new york"
            value={zoneQuery}
            onChange={(e) => setZoneQuery(e.target.value)}
          />
        </Field>
        <Field id={f('zone')} label="Time zone" error={errors.timezone}>
          <select
            id={f('zone')}
            size={6}
            className={inputClass(Boolean(errors.timezone))}
            value={draft.timezone}
            aria-describedby={describedBy(f('zone'), errors.timezone)}
            onChange={(e) => set('timezone', e.target.value)}
          >
            {filteredZones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </Field>
      </fieldset>

      <fieldset className="grid gap-4 md:grid-cols-2">
        <legend className="mb-1 text-lg font-semibold">Retries</legend>
        {numberField(
          'maxRetries',
          'Max retries',
          'retries.maxRetries',
          '0 to 10; only transient failures are retried.',
          { min: 0, max: 10 },
        )}
        {numberField(
          'delayMinutes',
          'Retry delay (minutes)',
          'retries.delayMinutes',
          'Wait before the first retry.',
          { min: 0, max: 1440 },
        )}
        {checkbox('exponentialBackoff', 'Exponential backoff', 'Double the delay after each failed attempt.')}
        {numberField(
          'maxDelayMinutes',
          'Longest delay (minutes)',
          'retries.maxDelayMinutes',
          'The cap of the backoff.',
          { min: 0, max: 1440 },
        )}
      </fieldset>

      <fieldset className="grid gap-4 md:grid-cols-2">
        <legend className="mb-1 text-lg font-semibold">SLA and alerts</legend>
        {numberField(
          'sla',
          'SLA (minutes)',
          'sla.minutes',
          'A run still going after this long sends one alert. Blank: none.',
          { min: 1, max: 10080 },
        )}
        <Field
          id={f('emails')}
          label="Alert email addresses"
          error={Object.entries(errors).find(([k]) => k.startsWith('alerts.emails'))?.[1]}
          hint="Separated by commas or spaces."
        >
          <input
            id={f('emails')}
            className={inputClass(Object.keys(errors).some((k) => k.startsWith('alerts.emails')))}
            value={draft.emails}
            placeholder="ops@example.com"
            onChange={(e) => set('emails', e.target.value)}
          />
        </Field>
        <Field
          id={f('slack')}
          label="Slack webhook URL"
          error={errors['alerts.slackWebhookUrl']}
          hint="An incoming-webhook URL (https://…). It is kept in the project’s spec."
          className="md:col-span-2"
        >
          <input
            id={f('slack')}
            className={inputClass(Boolean(errors['alerts.slackWebhookUrl']))}
            value={draft.slack}
            placeholder="https://hooks.slack.com/services/…"
            aria-invalid={Boolean(errors['alerts.slackWebhookUrl'])}
            aria-describedby={describedBy(f('slack'), errors['alerts.slackWebhookUrl'], true)}
            onChange={(e) => set('slack', e.target.value)}
          />
        </Field>
        <AlertDelivery
          projectId={project.id}
          smtp={smtp}
          alerts={candidate(draft).alerts as { emails: string[]; slackWebhookUrl?: string }}
        />
        {checkbox('onFailure', 'Alert when a run fails')}
        {checkbox('onRecovery', 'Alert when it succeeds again after a failure')}
        {checkbox('onSla', 'Alert when the SLA is missed')}
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="mb-1 text-lg font-semibold">Dependencies and concurrency</legend>
        <p className="text-sm text-slate-600">
          Wait for these projects’ runs of the same date to complete before starting.
        </p>
        {projects === null ? (
          <p className="text-sm text-slate-600" role="status">
            Loading projects…
          </p>
        ) : projects.length === 0 ? (
          <p className="text-sm text-slate-600">No other project to wait for.</p>
        ) : (
          <ul className="grid gap-2 md:grid-cols-2">
            {projects.map((p) => (
              <li key={p.id} className="flex items-center gap-2">
                <input
                  id={f(`dep-${p.id}`)}
                  type="checkbox"
                  className="h-4 w-4 accent-cyan-600"
                  checked={draft.dependsOn.includes(p.id)}
                  onChange={(e) =>
                    set(
                      'dependsOn',
                      e.target.checked
                        ? [...draft.dependsOn, p.id]
                        : draft.dependsOn.filter((d) => d !== p.id),
                    )
                  }
                />
                <label htmlFor={f(`dep-${p.id}`)} className="text-sm">
                  {p.name}
                </label>
              </li>
            ))}
          </ul>
        )}
        {errors.dependsOn ? (
          <p role="alert" className="text-xs font-medium text-red-700">
            {errors.dependsOn}
          </p>
        ) : null}
        <div className="grid gap-4 md:grid-cols-2">
          {numberField('maxActiveRuns', 'Max active runs', 'maxActiveRuns', 'Runs of this project at once.', {
            min: 1,
            max: 100,
          })}
          <Field id={f('when-max')} label="When that many are running">
            <select
              id={f('when-max')}
              className={inputClass()}
              value={draft.whenMaxActive}
              onChange={(e) => set('whenMaxActive', e.target.value as Draft['whenMaxActive'])}
            >
              <option value="wait">the next due run waits</option>
              <option value="skip">the next due run is skipped</option>
            </select>
          </Field>
          {checkbox('catchUp', 'Catch up after downtime', 'Start every missed run, not only the latest.')}
          <Field id={f('owner')} label="Runs started by">
            <select
              id={f('owner')}
              className={inputClass()}
              value={draft.owner}
              onChange={(e) => set('owner', e.target.value as Draft['owner'])}
            >
              <option value="databridge">DataBridge's scheduler</option>
              <option value="airflow">Airflow (a deployed DAG; DataBridge does not start it)</option>
            </select>
          </Field>
        </div>
      </fieldset>
    </div>
  );
}

interface TestAlertResult {
  readonly results: readonly { channel: 'email' | 'slack'; ok: boolean; error?: string }[];
}

const CHANNEL_LABELS = { email: 'E-mail', slack: 'Slack' } as const;

/**
 * Under the alert fields: what would stop the alerts from arriving (no SMTP settings on the server, a
 * plain http:// webhook), and a button that sends a test alert to the addresses as typed.
 */
function AlertDelivery(props: {
  projectId: string;
  smtp: SmtpStatus;
  alerts: { emails: string[]; slackWebhookUrl?: string };
}) {
  const problems = alertDeliveryProblems(props.alerts, props.smtp);
  const [state, setState] = useState<
    | { state: 'idle' }
    | { state: 'sending' }
    | { state: 'done'; result: TestAlertResult }
    | { state: 'failed'; message: string }
  >({ state: 'idle' });
  const nowhere = props.alerts.emails.length === 0 && !props.alerts.slackWebhookUrl;
  const send = async () => {
    setState({ state: 'sending' });
    try {
      const result = await api<TestAlertResult>(`/api/projects/${props.projectId}/test-alert`, {
        method: 'POST',
        body: props.alerts,
      });
      setState({ state: 'done', result });
    } catch (error) {
      setState({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <div className="space-y-2 md:col-span-2" data-alert-delivery>
      {problems.map((p) => (
        <p
          key={p.channel}
          role="alert"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950"
        >
          {p.message} {p.fix}
        </p>
      ))}
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          className={buttonClass('secondary', 'sm')}
          disabled={nowhere || state.state === 'sending'}
          title={nowhere ? 'Add an e-mail address or a Slack webhook first' : undefined}
          onClick={send}
        >
          {state.state === 'sending' ? 'Sending…' : 'Send a test alert'}
        </button>
        <div role="status" className="text-sm">
          {state.state === 'done' ? (
            state.result.results.map((r) => (
              <span
                key={r.channel}
                className={`mr-3 font-medium ${r.ok ? 'text-emerald-800' : 'text-red-700'}`}
              >
                {CHANNEL_LABELS[r.channel]}: {r.ok ? '✓ sent' : `✗ ${r.error ?? 'not sent'}`}
              </span>
            ))
          ) : state.state === 'failed' ? (
            <span className="font-medium text-red-700">{state.message}</span>
          ) : null}
        </div>
      </div>
    </div>
  );
}
