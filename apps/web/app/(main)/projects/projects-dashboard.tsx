'use client';

import type { ProjectSummary, ProjectView } from '@databridge/queue';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useId, useState } from 'react';
import { api, fieldErrors } from '../../../lib/api-client.ts';
import { CreateProjectInput, peopleError } from '../../../lib/client-safe.ts';
import { formatTime } from '../../../lib/format.ts';
import {
  Banner,
  type BannerMessage,
  FormButtons,
  FormCard,
  reportInBanner,
  useApiForm,
} from '../../_components/api-form.tsx';
import { TableCard } from '../../_components/data-table.tsx';
import { ConfirmDelete, useConfirmDelete } from '../../_components/row-actions.tsx';
import {
  buttonClass,
  describedBy,
  Field,
  inputClass,
  Notice,
  PageTitle,
  StatusBadge,
} from '../../_components/ui.tsx';

interface ConnectionOption {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
}

export function ProjectsDashboard(props: { initial: ProjectSummary[]; connections: ConnectionOption[] }) {
  const [projects, setProjects] = useState(props.initial);
  const [panel, setPanel] = useState<'create' | 'import' | null>(
    props.initial.length === 0 ? 'create' : null,
  );
  const [banner, setBanner] = useState<BannerMessage | null>(null);

  const confirmDelete = useConfirmDelete((project: ProjectSummary) =>
    reportInBanner(setBanner, `Deleted project “${project.name}” and its history.`, async () => {
      await api(`/api/projects/${project.id}`, { method: 'DELETE' });
      setProjects((list) => list.filter((p) => p.id !== project.id));
    }),
  );

  return (
    <div className="mx-auto max-w-6xl">
      <PageTitle
        title="Projects"
        description="Each project moves tables from a source database to a target database."
        actions={
          <>
            <button type="button" className={buttonClass('secondary')} onClick={() => setPanel('import')}>
              Import spec
            </button>
            <button type="button" className={buttonClass('primary')} onClick={() => setPanel('create')}>
              New project
            </button>
          </>
        }
      />
      <Banner message={banner} />
      {props.connections.length < 1 ? (
        <div className="mb-4">
          <Notice tone="info">
            A project needs saved connections first.{' '}
            <Link href="/connections" className="font-semibold underline">
              Add connections
            </Link>
          </Notice>
        </div>
      ) : panel === 'create' ? (
        <CreateProjectForm connections={props.connections} onCancel={() => setPanel(null)} />
      ) : panel === 'import' ? (
        <ImportProjectForm connections={props.connections} onCancel={() => setPanel(null)} />
      ) : null}

      <section aria-labelledby="project-list" className="mt-6">
        <h2 id="project-list" className="sr-only">
          All projects
        </h2>
        {projects.length === 0 ? (
          <p className="text-sm text-slate-600">No projects yet.</p>
        ) : (
          <TableCard
            cellPadding="px-4 py-2"
            columns={[
              'Project',
              'Source → target',
              'Tables',
              'Last execution',
              'Next run',
              { label: 'Actions', hidden: true },
            ]}
          >
            {projects.map((project) => (
              <tr key={project.id}>
                <td className="px-4 py-3">
                  <Link
                    href={`/projects/${project.id}/tables`}
                    className="font-semibold text-cyan-800 underline-offset-2 hover:underline"
                  >
                    {project.name}
                  </Link>
                  {project.description ? (
                    <p className="text-xs text-slate-600">{project.description}</p>
                  ) : null}
                </td>
                <td className="px-4 py-3">
                  {project.source?.name ?? '?'} <span aria-hidden="true">→</span>
                  <span className="sr-only">to</span> {project.target?.name ?? '?'}
                </td>
                <td className="px-4 py-3 tabular-nums">{project.tableMappings}</td>
                <td className="px-4 py-3">
                  {project.lastExecution ? (
                    <span className="flex flex-wrap items-center gap-2">
                      <StatusBadge status={project.lastExecution.status} />
                      <span className="text-xs text-slate-600">
                        {formatTime(project.lastExecution.startedAt ?? project.lastExecution.createdAt)}
                      </span>
                    </span>
                  ) : (
                    <span className="text-slate-500">never run</span>
                  )}
                </td>
                <td className="px-4 py-3" data-next-run={project.nextRun.state}>
                  <NextRunCell nextRun={project.nextRun} />
                </td>
                <td className="px-4 py-3">
                  <div className="flex flex-wrap justify-end gap-2">
                    <Link href={`/projects/${project.id}/tables`} className={buttonClass('secondary', 'sm')}>
                      Open<span className="sr-only"> {project.name}</span>
                    </Link>
                    <a
                      href={`/api/projects/${project.id}/export?format=yaml`}
                      className={buttonClass('secondary', 'sm')}
                      download
                    >
                      Export<span className="sr-only"> {project.name} as YAML</span>
                    </a>
                    <ConfirmDelete {...confirmDelete(project)} />
                  </div>
                </td>
              </tr>
            ))}
          </TableCard>
        )}
      </section>
    </div>
  );
}

/** The timetable's next run in the project's own time zone, or why there is none. */
function NextRunCell({ nextRun }: { nextRun: ProjectSummary['nextRun'] }) {
  switch (nextRun.state) {
    case 'scheduled':
      return (
        <time dateTime={nextRun.at} className="tabular-nums">
          {nextRun.local} <span className="text-xs text-slate-600">{nextRun.timezone}</span>
        </time>
      );
    case 'paused':
      return <span className="text-amber-800">paused</span>;
    case 'invalid':
      return <span className="text-red-700">schedule invalid: {nextRun.message}</span>;
    default:
      return <span className="text-slate-500">not scheduled</span>;
  }
}

function ConnectionSelect(props: {
  id: string;
  label: string;
  value: string;
  error: string | undefined;
  connections: ConnectionOption[];
  onChange: (value: string) => void;
  optional?: boolean;
}) {
  return (
    <Field id={props.id} label={props.label} error={props.error}>
      <select
        id={props.id}
        className={inputClass(Boolean(props.error))}
        value={props.value}
        aria-invalid={Boolean(props.error)}
        aria-describedby={describedBy(props.id, props.error)}
        onChange={(e) => props.onChange(e.target.value)}
      >
        <option value="">{props.optional ? 'Match the URL in the file' : 'Choose a connection'}</option>
        {props.connections.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} ({c.kind})
          </option>
        ))}
      </select>
    </Field>
  );
}

function CreateProjectForm(props: { connections: ConnectionOption[]; onCancel: () => void }) {
  const id = useId();
  const router = useRouter();
  const [values, setValues] = useState({ name: '', sourceConnectionId: '', targetConnectionId: '' });
  const { errors, setErrors, failure, setFailure, busy, send } = useApiForm();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const result = CreateProjectInput.safeParse(values, { error: peopleError });
    if (!result.success) {
      setErrors(fieldErrors(result.error.issues));
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

function ImportProjectForm(props: { connections: ConnectionOption[]; onCancel: () => void }) {
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
        body: {
          text,
          fileName: file.name,
          ...(name.trim() ? { name } : {}),
          ...(source ? { sourceConnectionId: source } : {}),
          ...(target ? { targetConnectionId: target } : {}),
        },
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
