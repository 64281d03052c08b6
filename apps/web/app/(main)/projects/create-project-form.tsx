'use client';

import type { ProjectView } from '@databridge/queue';
import { useRouter } from 'next/navigation';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../../lib/api-client.ts';
import { FormButtons, FormCard, useApiForm } from '../../_components/api-form.tsx';
import { describedBy, Field, inputClass } from '../../_components/ui.tsx';
import { ConnectionSelect } from './connection-select.tsx';
import {
  type ConnectionOption,
  checkNewProject,
  EMPTY_PROJECT,
  type NewProjectDraft,
} from './projects-model.ts';

/** A new project between two saved connections; the server drafts its mappings, then the wizard opens. */
export function CreateProjectForm(props: { connections: ConnectionOption[]; onCancel: () => void }) {
  const id = useId();
  const router = useRouter();
  const [values, setValues] = useState<NewProjectDraft>(EMPTY_PROJECT);
  const { errors, setErrors, failure, setFailure, busy, send } = useApiForm();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const result = checkNewProject(values);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    await send(Object.keys(values), async () => {
      const project = await api<ProjectView>('/api/projects', { method: 'POST', body: values });
      router.push(`/projects/${project.id}/tables`);
    });
  };

  return (
    <FormCard
      title="New project"
      intro="DataBridge reads both databases and maps the tables and columns it is confident about; you review them in the wizard."
      failure={failure}
      onSubmit={submit}
    >
      <div className="grid gap-4 md:grid-cols-3">
        <Field id={`${id}-name`} label="Project name" error={errors.name}>
          <input
            id={`${id}-name`}
            className={inputClass(Boolean(errors.name))}
            value={values.name}
            aria-invalid={Boolean(errors.name)}
            aria-describedby={describedBy(`${id}-name`, errors.name)}
            onChange={(e) => setValues({ ...values, name: e.target.value })}
          />
        </Field>
        <ConnectionSelect
          id={`${id}-source`}
          label="Source connection"
          value={values.sourceConnectionId}
          error={errors.sourceConnectionId}
          connections={props.connections}
          onChange={(v) => setValues({ ...values, sourceConnectionId: v })}
        />
        <ConnectionSelect
          id={`${id}-target`}
          label="Target connection"
          value={values.targetConnectionId}
          error={errors.targetConnectionId}
          connections={props.connections}
          onChange={(v) => setValues({ ...values, targetConnectionId: v })}
        />
      </div>
      <FormButtons
        submitLabel="Create project"
        busyLabel="Reading both databases…"
        busy={busy}
        onCancel={props.onCancel}
      />
    </FormCard>
  );
}
