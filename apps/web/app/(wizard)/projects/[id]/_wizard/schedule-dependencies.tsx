'use client';

import type { ProjectSummary } from '@databridge/queue';
import { useEffect, useState } from 'react';
import { api } from '../../../../../lib/api-client.ts';
import { Field, inputClass } from '../../../../_components/ui.tsx';
import { type ScheduleDraft, withDependency } from './schedule-draft.ts';
import { FlagField, NumberField, type ScheduleSectionProps } from './schedule-fields.tsx';
import { useWizard } from './wizard-context.tsx';

/** The other projects this one waits for, how many runs at once, catch-up, and who starts runs. */
export function DependenciesSection(props: ScheduleSectionProps) {
  const { draft, errors, set, f } = props;
  const { project } = useWizard();
  const [projects, setProjects] = useState<ProjectSummary[] | null>(null);
  useEffect(() => {
    api<ProjectSummary[]>('/api/projects')
      .then((list) => setProjects(list.filter((p) => p.id !== project.id)))
      .catch(() => setProjects([]));
  }, [project.id]);

  return (
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
                onChange={(e) => set('dependsOn', withDependency(draft, p.id, e.target.checked))}
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
        <NumberField
          {...props}
          field="maxActiveRuns"
          label="Max active runs"
          errorKey="maxActiveRuns"
          hint="Runs of this project at once."
          min={1}
          max={100}
        />
        <Field id={f('when-max')} label="When that many are running">
          <select
            id={f('when-max')}
            className={inputClass()}
            value={draft.whenMaxActive}
            onChange={(e) => set('whenMaxActive', e.target.value as ScheduleDraft['whenMaxActive'])}
          >
            <option value="wait">the next due run waits</option>
            <option value="skip">the next due run is skipped</option>
          </select>
        </Field>
        <FlagField
          {...props}
          field="catchUp"
          label="Catch up after downtime"
          hint="Start every missed run, not only the latest."
        />
        <Field id={f('owner')} label="Runs started by">
          <select
            id={f('owner')}
            className={inputClass()}
            value={draft.owner}
            onChange={(e) => set('owner', e.target.value as ScheduleDraft['owner'])}
          >
            <option value="databridge">DataBridge's scheduler</option>
            <option value="airflow">Airflow (a deployed DAG; DataBridge does not start it)</option>
          </select>
        </Field>
      </div>
    </fieldset>
  );
}
