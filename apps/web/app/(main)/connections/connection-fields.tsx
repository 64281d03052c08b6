'use client';

import type { ConnectionView } from '@databridge/queue';
import type { kindFacts } from '../../../lib/client-safe.ts';
import { describedBy, Field, inputClass } from '../../_components/ui.tsx';
import type { ConnectionDraft } from './connection-draft.ts';

/** What the connection form's fields get: the values, their errors, a setter and the id maker. */
export interface ConnectionFieldProps {
  readonly values: ConnectionDraft;
  readonly errors: Readonly<Record<string, string>>;
  readonly set: <K extends keyof ConnectionDraft>(key: K, value: ConnectionDraft[K]) => void;
  /** The connection being edited; null for a new one. */
  readonly editing: ConnectionView | null;
  /** A form-unique element id for a field. */
  readonly field: (key: keyof ConnectionDraft) => string;
}

type ServerFacts = NonNullable<ReturnType<typeof kindFacts>['server']>;

const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** A text box of the form, its error beside it. */
export function TextField(
  props: ConnectionFieldProps & {
    name: 'name' | 'host' | 'port' | 'user' | 'database' | 'file';
    label: string;
    placeholder?: string;
    hint?: string;
    inputMode?: 'numeric';
    className?: string;
  },
) {
  const { name, errors } = props;
  const id = props.field(name);
  return (
    <Field id={id} label={props.label} error={errors[name]} hint={props.hint} className={props.className}>
      <input
        id={id}
        name={name}
        className={inputClass(Boolean(errors[name]))}
        value={props.values[name]}
        placeholder={props.placeholder}
        inputMode={props.inputMode}
        aria-invalid={Boolean(errors[name])}
        aria-describedby={describedBy(id, errors[name], Boolean(props.hint))}
        onChange={(e) => props.set(name, e.target.value)}
        autoComplete="off"
      />
    </Field>
  );
}

/** A database server's host, port, user, password (kept unless changed) and database, and SSL mode where it has one. */
export function ServerFields(props: ConnectionFieldProps & { server: ServerFacts }) {
  const { values, errors, set, editing, field, server } = props;
  return (
    <>
      <TextField {...props} name="host" label="Host" placeholder="db.example.com" />
      <TextField
        {...props}
        name="port"
        label="Port"
        placeholder={String(server.defaultPort)}
        inputMode="numeric"
      />
      <TextField {...props} name="user" label="User" placeholder={server.defaultUser} />
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
      <TextField {...props} name="database" label="Database name" placeholder="shop" />
      {server.sslmode ? (
        <Field id={field('sslmode')} label="SSL mode" error={errors.sslmode}>
          <select
            id={field('sslmode')}
            className={inputClass(Boolean(errors.sslmode))}
            value={values.sslmode}
            onChange={(e) => set('sslmode', e.target.value)}
          >
            <option value="">Driver default</option>
            {SSL_MODES.map((mode) => (
              <option key={mode} value={mode}>
                {mode}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
    </>
  );
}
