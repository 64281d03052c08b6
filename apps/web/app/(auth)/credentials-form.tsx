'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { buttonClass, describedBy, Field, inputClass, Notice } from '../_components/ui.tsx';

interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly type: 'email' | 'password' | 'text';
  readonly autoComplete: string;
  readonly hint?: string;
}

/**
 * A small form that posts its fields as JSON and goes to the projects on success; the server's field
 * errors ("password: must be at least 12 characters") appear next to their field, others above.
 */
export function CredentialsForm(props: { action: string; fields: readonly FieldSpec[]; submit: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const values = Object.fromEntries(new FormData(event.currentTarget).entries());
    try {
      const response = await fetch(props.action, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(values),
      });
      const body = (await response.json()) as { success: boolean; error?: { message: string } };
      if (body.success) {
        router.replace('/projects');
        router.refresh();
        return;
      }
      const message = body.error?.message ?? `the server answered ${response.status}`;
      const field = props.fields.find((f) => message.startsWith(`${f.name}:`));
      setError({
        field: field?.name ?? null,
        message: field ? message.slice(field.name.length + 1).trim() : message,
      });
    } catch {
      setError({ field: null, message: 'the server did not answer; try again' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      {error && error.field === null ? <Notice tone="error">{error.message}</Notice> : null}
      {props.fields.map((f) => {
        const fieldError = error?.field === f.name ? error.message : undefined;
        const id = `auth-${f.name}`;
        return (
          <Field key={f.name} id={id} label={f.label} error={fieldError} hint={f.hint}>
            <input
              id={id}
              name={f.name}
              type={f.type}
              required
              autoComplete={f.autoComplete}
              aria-invalid={fieldError ? true : undefined}
              aria-describedby={describedBy(id, fieldError, Boolean(f.hint))}
              className={inputClass(Boolean(fieldError))}
            />
          </Field>
        );
      })}
      <button type="submit" disabled={busy} className={`${buttonClass('primary')} w-full`}>
        {busy ? 'Please wait…' : props.submit}
      </button>
    </form>
  );
}
