'use client';

import { useEffect, useMemo, useState } from 'react';
import type { SmtpStatus } from '../../../../../lib/client-safe.ts';
import { describedBy, Field, inputClass } from '../../../../_components/ui.tsx';
import { AlertDelivery } from './alert-delivery.tsx';
import {
  alertTargetsOf,
  COMMON_TIME_ZONES,
  chooseTimetable,
  cronErrorOf,
  cronOf,
  describeCron,
  matchingZones,
  PRESET_LABELS,
  type Timetable,
} from './schedule-draft.ts';
import { FlagField, NumberField, type ScheduleSectionProps } from './schedule-fields.tsx';
import { useWizard } from './wizard-context.tsx';

const TIMETABLES = ['none', ...Object.keys(PRESET_LABELS), 'custom'] as Timetable[];

/** A preset, custom cron or none; the expression in words; whether the schedule is on. */
export function TimetableSection(props: ScheduleSectionProps) {
  const { draft, f } = props;
  const expression = cronOf(draft);
  const verdict = expression.trim() ? describeCron(expression) : null;
  const cronError = cronErrorOf(draft, props.errors);
  return (
    <fieldset className="space-y-3">
      <legend className="mb-1 text-lg font-semibold">Timetable</legend>
      <div className="flex flex-wrap gap-2" role="radiogroup" aria-label="Timetable">
        {TIMETABLES.map((value) => (
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
              onChange={() => props.update(chooseTimetable(draft, value))}
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
            onChange={(e) => props.set('cron', e.target.value)}
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
      <FlagField
        {...props}
        field="enabled"
        label="Schedule enabled"
        hint="Unticked, the timetable is kept but no run starts by itself."
      />
    </fieldset>
  );
}

/** A searchable list of time zones. */
export function TimeZoneSection({ draft, errors, set, f }: ScheduleSectionProps) {
  const [zoneQuery, setZoneQuery] = useState('');
  const [zones, setZones] = useState<readonly string[]>(COMMON_TIME_ZONES);
  useEffect(() => {
    // The browser's full list, once mounted (the server's may differ, so it is not rendered there).
    const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    setZones([...new Set([...COMMON_TIME_ZONES, ...all])]);
  }, []);
  const shown = useMemo(
    () => matchingZones(zones, zoneQuery, draft.timezone),
    [zones, zoneQuery, draft.timezone],
  );
  return (
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
          {shown.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
      </Field>
    </fieldset>
  );
}

/** How often and how long after a transient failure the run is tried again. */
export function RetriesSection(props: ScheduleSectionProps) {
  return (
    <fieldset className="grid gap-4 md:grid-cols-2">
      <legend className="mb-1 text-lg font-semibold">Retries</legend>
      <NumberField
        {...props}
        field="maxRetries"
        label="Max retries"
        errorKey="retries.maxRetries"
        hint="0 to 10; only transient failures are retried."
        min={0}
        max={10}
      />
      <NumberField
        {...props}
        field="delayMinutes"
        label="Retry delay (minutes)"
        errorKey="retries.delayMinutes"
        hint="Wait before the first retry."
        min={0}
        max={1440}
      />
      <FlagField
        {...props}
        field="exponentialBackoff"
        label="Exponential backoff"
        hint="Double the delay after each failed attempt."
      />
      <NumberField
        {...props}
        field="maxDelayMinutes"
        label="Longest delay (minutes)"
        errorKey="retries.maxDelayMinutes"
        hint="The cap of the backoff."
        min={0}
        max={1440}
      />
    </fieldset>
  );
}

/** The SLA, where alerts go (with a test send) and which events send one. */
export function AlertsSection(props: ScheduleSectionProps & { smtp: SmtpStatus }) {
  const { draft, errors, set, f } = props;
  const { project } = useWizard();
  const emailError = Object.entries(errors).find(([k]) => k.startsWith('alerts.emails'))?.[1];
  const slackError = errors['alerts.slackWebhookUrl'];
  return (
    <fieldset className="grid gap-4 md:grid-cols-2">
      <legend className="mb-1 text-lg font-semibold">SLA and alerts</legend>
      <NumberField
        {...props}
        field="sla"
        label="SLA (minutes)"
        errorKey="sla.minutes"
        hint="A run still going after this long sends one alert. Blank: none."
        min={1}
        max={10080}
      />
      <Field
        id={f('emails')}
        label="Alert email addresses"
        error={emailError}
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
        error={slackError}
        hint="An incoming-webhook URL (https://…). It is kept in the project’s spec."
        className="md:col-span-2"
      >
        <input
          id={f('slack')}
          className={inputClass(Boolean(slackError))}
          value={draft.slack}
          placeholder="https://hooks.slack.com/services/…"
          aria-invalid={Boolean(slackError)}
          aria-describedby={describedBy(f('slack'), slackError, true)}
          onChange={(e) => set('slack', e.target.value)}
        />
      </Field>
      <AlertDelivery projectId={project.id} smtp={props.smtp} alerts={alertTargetsOf(draft)} />
      <FlagField {...props} field="onFailure" label="Alert when a run fails" />
      <FlagField {...props} field="onRecovery" label="Alert when it succeeds again after a failure" />
      <FlagField {...props} field="onSla" label="Alert when the SLA is missed" />
    </fieldset>
  );
}
