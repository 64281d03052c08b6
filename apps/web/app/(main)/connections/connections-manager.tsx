'use client';

import type { ConnectionTestResult, ConnectionView } from '@databridge/queue';
import { type FormEvent, useId, useState } from 'react';
import { api, fieldErrors } from '../../../lib/api-client.ts';
import {
  CONNECTION_KINDS,
  type ConnectionFormKind,
  CreateConnectionInput,
  kindFacts,
  peopleError,
  UpdateConnectionInput,
} from '../../../lib/client-safe.ts';
import { formatTime } from '../../../lib/format.ts';
import {
  Banner,
  type BannerMessage,
  FormButtons,
  FormCard,
  reportInBanner,
  useApiForm,
} from '../../_components/api-form.tsx';
import { ConfirmDelete, RowAction, useConfirmDelete } from '../../_components/row-actions.tsx';
import { buttonClass, describedBy, Field, inputClass, PageTitle } from '../../_components/ui.tsx';
import { SqliteFilePicker } from './sqlite-file-picker.tsx';

interface FormValues {
  name: string;
  kind: ConnectionFormKind;
  host: string;
  port: string;
  user: string;
  password: string;
  clearPassword: boolean;
  database: string;
  file: string;
  sslmode: string;
}

const EMPTY: FormValues = {
  name: '',
  kind: 'postgres',
  host: '',
  port: '',
  user: '',
  password: '',
  clearPassword: false,
  database: '',
  file: '',
  sslmode: '',
};

type TestState = (ConnectionTestResult & { pending?: false; testedAt?: string }) | { pending: true };

export function ConnectionsManager({ initial }: { initial: ConnectionView[] }) {
  const [connections, setConnections] = useState(initial);
  const [editing, setEditing] = useState<'new' | ConnectionView | null>(initial.length === 0 ? 'new' : null);
  // The last test of each connection, kept by the server: it survives a reload.
  const [tests, setTests] = useState<Record<string, TestState>>(() =>
    Object.fromEntries(initial.flatMap((c) => (c.lastTest ? [[c.id, c.lastTest]] : []))),
  );
  const [banner, setBanner] = useState<BannerMessage | null>(null);

  const runTest = async (id: string) => {
    setTests((t) => ({ ...t, [id]: { pending: true } }));
    try {
      const result = await api<ConnectionTestResult>(`/api/connections/${id}/test`, { method: 'POST' });
      setTests((t) => ({ ...t, [id]: { ...result, testedAt: new Date().toISOString() } }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      setTests((t) => ({ ...t, [id]: { ok: false, latencyMs: 0, message } }));
    }
  };

  const confirmDelete = useConfirmDelete((connection: ConnectionView) =>
    reportInBanner(setBanner, `Deleted connection “${connection.name}”.`, async () => {
      await api(`/api/connections/${connection.id}`, { method: 'DELETE' });
      setConnections((list) => list.filter((c) => c.id !== connection.id));
    }),
  );

  const saved = (connection: ConnectionView, created: boolean, failedTest: string | null) => {
    setConnections((list) =>
      [...list.filter((c) => c.id !== connection.id), connection].sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
    );
    setEditing(null);
    const verb = created ? 'Added' : 'Saved';
    // A connection saved although its test failed is not a success to celebrate in green.
    setBanner(
      failedTest === null
        ? { tone: 'success', text: `${verb} connection “${connection.name}”.` }
        : {
            tone: 'error',
            text: `${verb} connection “${connection.name}”, but it does not work yet: ${failedTest}`,
          },
    );
    void runTest(connection.id);
  };

  return (
    <div className="mx-auto max-w-5xl">
      <PageTitle
        title="Connections"
        description="The databases DataBridge reads from and writes to. Passwords are encrypted at rest and never shown again."
        actions={
          <button
            type="button"
            className={buttonClass('primary')}
            onClick={() => {
              setEditing('new');
              setBanner(null);
            }}
          >
            Add connection
          </button>
        }
      />
      <Banner message={banner} />
      {editing ? (
        <ConnectionForm
          key={editing === 'new' ? 'new' : editing.id}
          editing={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={saved}
        />
      ) : null}

      <section aria-labelledby="saved-connections" className="mt-6">
        <h2 id="saved-connections" className="mb-2 text-lg font-semibold">
          Saved connections
        </h2>
        {connections.length === 0 ? (
          <p className="text-sm text-slate-600">
            No connections yet: add the source and the target databases.
          </p>
        ) : (
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
            {connections.map((connection) => {
              const test = tests[connection.id];
              return (
                <li key={connection.id} className="flex flex-wrap items-center gap-3 px-4 py-3">
                  <div className="min-w-0 flex-1">
                    <p className="font-semibold">
                      {connection.name}{' '}
                      <span className="ml-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700">
                        {kindFacts(connection.kind).label}
                      </span>
                    </p>
                    <p className="truncate font-mono text-xs text-slate-600" title={connection.url}>
                      {connection.url}
                    </p>
                    {test ? (
                      <p
                        role="status"
                        className={`mt-1 text-xs font-medium ${
                          test.pending ? 'text-slate-600' : test.ok ? 'text-emerald-800' : 'text-red-700'
                        }`}
                      >
                        {test.pending ? 'Testing…' : `${test.ok ? '✓' : '✗'} ${test.message}`}
                        {!test.pending && test.testedAt ? (
                          <span className="font-normal text-slate-600">
                            {' '}
                            · tested <time dateTime={test.testedAt}>{formatTime(test.testedAt)}</time>
                          </span>
                        ) : null}
                      </p>
                    ) : null}
                  </div>
                  <div className="flex flex-wrap gap-2">
                    <RowAction
                      verb="Test"
                      target={connection.name}
                      onClick={() => runTest(connection.id)}
                      disabled={test?.pending === true}
                    />
                    <RowAction
                      verb="Edit"
                      target={connection.name}
                      onClick={() => {
                        setEditing(connection);
                        setBanner(null);
                      }}
                    />
                    <ConfirmDelete {...confirmDelete(connection)} />
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </div>
  );
}

function valuesOf(connection: ConnectionView | null): FormValues {
  if (!connection) return EMPTY;
  return {
    ...EMPTY,
    name: connection.name,
    kind: connection.kind,
    host: connection.host,
    port: connection.port === null ? '' : String(connection.port),
    user: connection.user,
    database: connection.database,
    file: connection.file ?? '',
    sslmode: connection.sslmode ?? '',
  };
}

/** The request body: blank optional fields left out, so that an edit keeps what it does not touch. */
function bodyOf(values: FormValues, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { name: values.name, kind: values.kind };
  const server = kindFacts(values.kind).server;
  if (!server) {
    body.file = values.file;
    return body;
  }
  body.host = values.host;
  body.database = values.database;
  if (values.port.trim() !== '') body.port = values.port.trim();
  if (values.user.trim() !== '') body.user = values.user;
  if (values.password !== '') body.password = values.password;
  if (editing && values.clearPassword) body.clearPassword = true;
  if (server.sslmode && values.sslmode) body.sslmode = values.sslmode;
  return body;
}

function ConnectionForm(props: {
  editing: ConnectionView | null;
  onCancel: () => void;
  onSaved: (connection: ConnectionView, created: boolean, failedTest: string | null) => void;
}) {
  const id = useId();
  const [values, setValues] = useState<FormValues>(() => valuesOf(props.editing));
  // The failed test of exactly these values: saving them again means "save anyway".
  const [failedTest, setFailedTest] = useState<{ body: string; message: string } | null>(null);
  const { errors, setErrors, failure, setFailure, busy, send } = useApiForm();
  const editing = props.editing;
  const schema = editing ? UpdateConnectionInput : CreateConnectionInput;

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) => {
    const next = { ...values, [key]: value };
    setValues(next);
    setFailedTest(null);
    // Re-validate as the user types, but only fields that already showed an error.
    if (Object.keys(errors).length > 0) {
      const result = schema.safeParse(bodyOf(next, editing !== null), { error: peopleError });
      setErrors(result.success ? {} : fieldErrors(result.error.issues));
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const body = bodyOf(values, editing !== null);
    const result = schema.safeParse(body, { error: peopleError });
    if (!result.success) {
      setErrors(fieldErrors(result.error.issues));
      return;
    }
    const asked = failedTest?.body === JSON.stringify(body) ? failedTest.message : null;
    await send(Object.keys(values), async () => {
      if (asked === null) {
        // Test first: a connection that does not answer is saved only when the user says so.
        const test = await api<ConnectionTestResult>('/api/connections/test', {
          method: 'POST',
          body: editing ? { ...body, id: editing.id } : body,
        });
        if (!test.ok) {
          setFailedTest({ body: JSON.stringify(body), message: test.message });
          throw new Error(''); // frees the form; the question below says what happened
        }
      }
      const saved = await api<ConnectionView>(
        editing ? `/api/connections/${editing.id}` : '/api/connections',
        {
          method: editing ? 'PATCH' : 'POST',
          body,
        },
      );
      props.onSaved(saved, editing === null, asked);
    });
  };

  const field = (key: keyof FormValues) => `${id}-${key}`;
  const text = (
    key: 'name' | 'host' | 'port' | 'user' | 'database' | 'file',
    label: string,
    options: { placeholder?: string; hint?: string; inputMode?: 'numeric'; className?: string } = {},
  ) => (
    <Field
      id={field(key)}
      label={label}
      error={errors[key]}
      hint={options.hint}
      className={options.className}
    >
      <input
        id={field(key)}
        name={key}
        className={inputClass(Boolean(errors[key]))}
        value={values[key]}
        placeholder={options.placeholder}
        inputMode={options.inputMode}
        aria-invalid={Boolean(errors[key])}
        aria-describedby={describedBy(field(key), errors[key], Boolean(options.hint))}
        onChange={(e) => set(key, e.target.value)}
        autoComplete="off"
      />
    </Field>
  );

  // What the form asks for is what the kind's connector declares: a server's parts, or a file.
  const server = kindFacts(values.kind).server;
  return (
    <FormCard
      title={editing ? `Edit “${editing.name}”` : 'Add a connection'}
      failure={failure}
      onSubmit={submit}
    >
      <div className="grid gap-4 md:grid-cols-2">
        {text('name', 'Name', { placeholder: 'e.g. shop-production' })}
        <Field id={field('kind')} label="Database" error={errors.kind}>
          <select
            id={field('kind')}
            name="kind"
            className={inputClass(Boolean(errors.kind))}
            value={values.kind}
            onChange={(e) => set('kind', e.target.value as ConnectionFormKind)}
            aria-describedby={describedBy(field('kind'), errors.kind)}
          >
            {CONNECTION_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kindFacts(kind).label}
              </option>
            ))}
          </select>
        </Field>
        {server ? (
          <>
            {text('host', 'Host', { placeholder: 'db.example.com' })}
            {text('port', 'Port', {
              placeholder: String(server.defaultPort),
              inputMode: 'numeric',
            })}
            {text('user', 'User', { placeholder: server.defaultUser })}
            <Field
              id={field('password')}
              label="Password"
              error={errors.password}
              hint={
                editing?.hasPassword
                  ? 'A password is stored. Leave this empty to keep it; it is never shown.'
                  : 'Stored encrypted; it is never shown again.'
              }
            >
              <input
                id={field('password')}
                name="password"
                type="password"
                className={inputClass(Boolean(errors.password))}
                value={values.password}
                placeholder={editing?.hasPassword ? '•••••• (unchanged)' : ''}
                autoComplete="new-password"
                aria-invalid={Boolean(errors.password)}
                aria-describedby={describedBy(field('password'), errors.password, true)}
                onChange={(e) => set('password', e.target.value)}
              />
            </Field>
            {editing?.hasPassword ? (
              <div className="flex items-center gap-2 md:col-start-2">
                <input
                  id={field('clearPassword')}
                  type="checkbox"
                  className="h-4 w-4 accent-cyan-600"
                  checked={values.clearPassword}
                  onChange={(e) => set('clearPassword', e.target.checked)}
                />
                <label htmlFor={field('clearPassword')} className="text-sm">
                  Remove the stored password
                </label>
              </div>
            ) : null}
            {text('database', 'Database name', { placeholder: 'shop' })}
            {server.sslmode ? (
              <Field id={field('sslmode')} label="SSL mode" error={errors.sslmode}>
                <select
                  id={field('sslmode')}
                  className={inputClass(Boolean(errors.sslmode))}
                  value={values.sslmode}
                  onChange={(e) => set('sslmode', e.target.value)}
                >
                  <option value="">Driver default</option>
                  {['disable', 'prefer', 'require', 'verify-ca', 'verify-full'].map((mode) => (
                    <option key={mode} value={mode}>
                      {mode}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
          </>
        ) : (
          <>
            {text('file', 'Database file', {
              placeholder: '/data/chinook.sqlite',
              hint: 'An absolute path inside the server’s SQLite folder (below). A missing file is created by the first load into it.',
              className: 'md:col-span-2',
            })}
            <SqliteFilePicker value={values.file} onPick={(path) => set('file', path)} />
          </>
        )}
      </div>
      {failedTest ? (
        <div
          role="alert"
          className="mt-5 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-800"
        >
          <p className="font-semibold">The test of this connection failed: {failedTest.message}</p>
          <p className="mt-1">
            Fix the fields above and try again, or save it anyway (for a database that is not up yet).
          </p>
        </div>
      ) : null}
      <FormButtons
        submitLabel={failedTest ? 'Save anyway' : editing ? 'Save changes' : 'Add connection'}
        busyLabel="Testing and saving…"
        busy={busy}
        onCancel={props.onCancel}
      />
    </FormCard>
  );
}
