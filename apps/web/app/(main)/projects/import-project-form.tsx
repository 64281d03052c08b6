'use client';

import type { ProjectView } from '@databridge/queue';
import { useRouter } from 'next/navigation';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../../lib/api-client.ts';
import { FormButtons, FormCard, useApiForm } from '../../_components/api-form.tsx';
import { describedBy, Field, inputClass } from '../../_components/ui.tsx';
import { ConnectionSelect } from './connection-select.tsx';
import { type ConnectionOption, importBody } from './projects-model.ts';

/** A project from a spec file (YAML or JSON); its URLs pick the connections unless chosen here. */
export function ImportProjectForm(props: { connections: ConnectionOption[]; onCancel: () => void }) {
  const id = useId();
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [source, setSource] = useState('');
  const [target, setTarget] = useState('');
  const { errors, setErrors, failure, setFailure, busy, send } = useApiForm();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    if (!file) {
      setErrors({ text: 'choose a spec file (YAML or JSON)' });
      return;
    }
    await send(['text', 'name', 'sourceConnectionId', 'targetConnectionId'], async () => {
      const text = await file.text();
      const project = await api<ProjectView>('/api/projects/import', {
        method: 'POST',
        body: importBody(text, file.name, { name, source, target }),
      });
      router.push(`/projects/${project.id}/tables`);
    });
  };

  return (
    <FormCard
      title="Import a spec file"
      intro={
        <>
          The same YAML or JSON document <code>databridge run</code> takes. Its URLs pick the saved
          connections to the same servers unless you choose them here.
        </>
      }
      failure={failure}
      onSubmit={submit}
    >
      <div className="grid gap-4 md:grid-cols-2">
        <Field id={`${id}-file`} label="Spec file" error={errors.text}>
          <input
            id={`${id}-file`}
            type="file"
            accept=".yaml,.yml,.json,application/json,application/yaml,text/yaml"
            className={inputClass(Boolean(errors.text))}
            aria-invalid={Boolean(errors.text)}
            aria-describedby={describedBy(`${id}-file`, errors.text)}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </Field>
        <Field
          id={`${id}-name`}
          label="Project name (optional)"
          error={errors.name}
          hint="Defaults to the spec's name"
        >
          <input
            id={`${id}-name`}
            className={inputClass(Boolean(errors.name))}
            value={name}
            aria-describedby={describedBy(`${id}-name`, errors.name, true)}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <ConnectionSelect
          id={`${id}-source`}
          label="Source connection"
          value={source}
          error={errors.sourceConnectionId}
          connections={props.connections}
          onChange={setSource}
          optional
        />
        <ConnectionSelect
          id={`${id}-target`}
          label="Target connection"
          value={target}
          error={errors.targetConnectionId}
          connections={props.connections}
          onChange={setTarget}
          optional
        />
      </div>
      <FormButtons submitLabel="Import" busyLabel="Importing…" busy={busy} onCancel={props.onCancel} />
    </FormCard>
  );
}
