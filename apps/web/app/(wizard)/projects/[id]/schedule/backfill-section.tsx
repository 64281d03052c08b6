'use client';

import type { BackfillResult } from '@databridge/queue';
import cronstrue from 'cronstrue';
import { type FormEvent, useId, useState } from 'react';
import { ApiError, api } from '../../../../../lib/api-client.ts';
import { buttonClass, describedBy, Field, inputClass } from '../../../../_components/ui.tsx';
import { useWizard } from '../_wizard/wizard-context.tsx';
import { backfillRange, today } from './backfill-range.ts';

type Errors = { from?: string; to?: string; form?: string };

function describeCron(cron: string): string {
  try {
    return cronstrue.toString(cron, { use24HourTimeFormat: true, throwExceptionOnParseError: true });
  } catch {
    return cron;
  }
}

/** What the server did, in words: runs queued, and dates that already had one. */
function summary(result: BackfillResult): string {
  const created = result.runs.filter((r) => r.outcome === 'created').length;
  const reopened = result.runs.filter((r) => r.outcome === 'reopened').length;
  const existing = result.runs.length - result.queued;
  if (result.runs.length === 0)
    return 'The timetable has no scheduled time in that range: no run was created.';
  const parts = [`Created ${created} run${created === 1 ? '' : 's'}`];
  if (reopened > 0) parts.push(`${reopened} skipped run${reopened === 1 ? '' : 's'} will run again`);
  if (existing > 0)
    parts.push(`${existing} date${existing === 1 ? ' already had its' : 's already had their'} run`);
  const tail = result.queued > 0 ? ' The scheduler starts them oldest first, as max active runs allows.' : '';
  return `${parts.join('; ')}.${tail}`;
}

/**
 * Asks for one run per scheduled time of the saved timetable between two days: both included, read
 * in the timetable's time zone. Disabled without a saved timetable or without the `run` permission.
 */
export function BackfillSection({ canRun }: { canRun: boolean }) {
  const { project, spec, dirty } = useWizard();
  const id = useId();
  const f = (name: string) => `${id}-${name}`;
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [result, setResult] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const saved = project.spec.schedule;
  const zone = saved?.timezone ?? 'UTC';
  const blocked = !saved?.cron
    ? 'The saved project has no timetable: choose one above and save, then backfill the runs it would have made.'
    : canRun
      ? null
      : 'Your role cannot start runs; ask an operator, an editor or an administrator.';
  const draftDiffers =
    dirty && (spec.schedule?.cron !== saved?.cron || spec.schedule?.timezone !== saved?.timezone);
  let max: string | undefined;
  try {
    max = today(zone);
  } catch {
    max = undefined;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setResult(null);
    const found: Errors = {};
    if (!from) found.from = 'choose the first day';
    if (!to) found.to = 'choose the last day';
    else if (from && to < from) found.to = 'must be on or after the first day';
    else if (max && to > max) found.to = `must be ${max} or earlier: a backfill covers the past`;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    try {
      const created = await api<BackfillResult>(`/api/projects/${project.id}/backfill`, {
        method: 'POST',
        body: backfillRange(from, to, zone),
      });
      setResult(summary(created));
    } catch (error) {
      const field = error instanceof ApiError ? error.field : undefined;
      if (error instanceof ApiError && (field === 'from' || field === 'to')) {
        setErrors({ [field]: error.detail });
      } else {
        setErrors({ form: error instanceof Error ? error.message : String(error) });
      }
    } finally {
      setBusy(false);
    }
  };

  const dayField = (key: 'from' | 'to', label: string, value: string, set: (day: string) => void) => (
    <Field id={f(key)} label={label} error={errors[key]}>
      <input
        id={f(key)}
        type="date"
        className={inputClass(Boolean(errors[key]))}
        value={value}
        max={max}
        disabled={blocked !== null}
        aria-invalid={Boolean(errors[key])}
        aria-describedby={describedBy(f(key), errors[key])}
        onChange={(e) => {
          set(e.target.value);
          setErrors(({ [key]: _fixed, ...rest }) => rest);
        }}
      />
    </Field>
  );

  return (
    <section aria-labelledby={f('title')} className="mx-auto mt-8 max-w-6xl space-y-3 *:max-w-4xl">
      <h2 id={f('title')} className="text-lg font-semibold">
        Backfill
      </h2>
      <p id={f('about')} className="text-sm text-slate-600">
        {saved?.cron
          ? `One run per scheduled time of the saved timetable (${describeCron(saved.cron)}, ${zone} time) between the two days, both included; today counts up to now.`
          : 'One run per scheduled time of the saved timetable between two past days.'}
      </p>
      {draftDiffers && !blocked ? (
        <p className="text-sm text-amber-800">
          The timetable above is not saved yet: a backfill follows the saved one.
        </p>
      ) : null}
      <form className="space-y-3" onSubmit={submit} noValidate>
        <div className="grid gap-4 md:grid-cols-2">
          {dayField('from', 'From (first day)', from, setFrom)}
          {dayField('to', 'To (last day)', to, setTo)}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <button
            type="submit"
            className={buttonClass('secondary')}
            disabled={blocked !== null || busy}
            aria-describedby={blocked ? f('blocked') : undefined}
          >
            {busy ? 'Creating runs…' : 'Backfill runs'}
          </button>
          {blocked ? (
            <p id={f('blocked')} className="text-sm text-slate-600">
              {blocked}
            </p>
          ) : null}
        </div>
        {errors.form ? (
          <p role="alert" className="text-sm font-medium text-red-700">
            {errors.form}
          </p>
        ) : null}
        <p role="status" className="text-sm text-emerald-900">
          {result}
        </p>
      </form>
    </section>
  );
}
