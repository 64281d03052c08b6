'use client';

import type { ConnectionTestResult, ConnectionView } from '@databridge/queue';
import { type FormEvent, useId, useState } from 'react';
import { api } from '../../../lib/api-client.ts';
import { CONNECTION_KINDS, type ConnectionFormKind, kindFacts } from '../../../lib/client-safe.ts';
import { FormButtons, FormCard, useApiForm } from '../../_components/api-form.tsx';
import { describedBy, Field, inputClass } from '../../_components/ui.tsx';
import { type ConnectionDraft, checkConnectionDraft, connectionDraftOf } from './connection-draft.ts';
import { type ConnectionFieldProps, ServerFields, TextField } from './connection-fields.tsx';
import { SqliteFilePicker } from './sqlite-file-picker.tsx';

/**
 * Adds or edits a connection. It is tested before it is saved; one that does not answer is saved
 * only when the user submits the same values again ("Save anyway").
 */
export function ConnectionForm(props: {
  editing: ConnectionView | null;
  onCancel: () => void;
  onSaved: (connection: ConnectionView, created: boolean, failedTest: string | null) => void;
}) {
  const id = useId();
  const [values, setValues] = useState<ConnectionDraft>(() => connectionDraftOf(props.editing));
  // The failed test of exactly these values: saving them again means "save anyway".
  const [failedTest, setFailedTest] = useState<{ body: string; message: string } | null>(null);
  const { errors, setErrors, failure, setFailure, busy, send } = useApiForm();
  const editing = props.editing;

  const set = <K extends keyof ConnectionDraft>(key: K, value: ConnectionDraft[K]) => {
    const next = { ...values, [key]: value };
    setValues(next);
    setFailedTest(null);
    // Re-validate as the user types, but only fields that already showed an error.
    if (Object.keys(errors).length > 0) {
      const result = checkConnectionDraft(next, editing !== null);
      setErrors(result.ok ? {} : result.errors);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const result = checkConnectionDraft(values, editing !== null);
    if (!result.ok) {
      setErrors(result.errors);
      return;
    }
    const body = result.body;
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

  const fields: ConnectionFieldProps = { values, errors, set, editing, field: (key) => `${id}-${key}` };
  // What the form asks for is what the kind's connector declares: a server's parts, or a file.
  const server = kindFacts(values.kind).server;
  return (
    <FormCard
      title={editing ? `Edit “${editing.name}”` : 'Add a connection'}
      failure={failure}
      onSubmit={submit}
    >
      <div className="grid gap-4 md:grid-cols-2">
        <TextField {...fields} name="name" label="Name" placeholder="e.g. shop-production" />
        <Field id={fields.field('kind')} label="Database" error={errors.kind}>
          <select
            id={fields.field('kind')}
            name="kind"
            className={inputClass(Boolean(errors.kind))}
            value={values.kind}
            onChange={(e) => set('kind', e.target.value as ConnectionFormKind)}
            aria-describedby={describedBy(fields.field('kind'), errors.kind)}
          >
            {CONNECTION_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {kindFacts(kind).label}
              </option>
            ))}
          </select>
        </Field>
        {server ? (
          <ServerFields {...fields} server={server} />
        ) : (
          <>
            <TextField
              {...fields}
              name="file"
              label="Database file"
              placeholder="/data/chinook.sqlite"
              hint="An absolute path inside the server’s SQLite folder (below). A missing file is created by the first load into it."
              className="md:col-span-2"
            />
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
