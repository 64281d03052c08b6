'use client';

import type { FormEvent } from 'react';
import { buttonClass, Field, inputClass, Notice } from '../../_components/ui.tsx';
import {
  type ApiKey,
  type AuditEntry,
  auditTarget,
  keyState,
  ROLES,
  type Role,
  toggleDisabled,
  type User,
} from './admin-model.ts';

function RoleOptions() {
  return ROLES.map((r) => <option key={r}>{r}</option>);
}

/** The role of a new user or key, sent as the form's `role`. */
function RoleField(props: { id: string; defaultRole: Role }) {
  return (
    <Field id={props.id} label="Role">
      <select id={props.id} name="role" className={inputClass()} defaultValue={props.defaultRole}>
        <RoleOptions />
      </select>
    </Field>
  );
}

/** The users with their role and state, and a form to add one. */
export function UsersSection(props: {
  users: readonly User[];
  onChange: (id: string, change: { role: string } | { disabled: boolean }) => void;
  onCreate: (event: FormEvent<HTMLFormElement>) => void;
}) {
  return (
    <section aria-labelledby="users-title" className="space-y-3">
      <h2 id="users-title" className="text-lg font-semibold">
        Users
      </h2>
      <table className="w-full text-left text-sm">
        <thead>
          <tr className="border-b border-slate-200 text-slate-600">
            <th className="py-1">Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr key={u.id} className="border-b border-slate-100">
              <td className="py-1">{u.name}</td>
              <td>{u.email}</td>
              <td>
                <label className="sr-only" htmlFor={`role-${u.id}`}>
                  Role of {u.email}
                </label>
                <select
                  id={`role-${u.id}`}
                  value={u.role}
                  onChange={(e) => props.onChange(u.id, { role: e.target.value })}
                  className={inputClass()}
                >
                  <RoleOptions />
                </select>
              </td>
              <td>
                <button
                  type="button"
                  className={buttonClass('secondary', 'sm')}
                  onClick={() => props.onChange(u.id, toggleDisabled(u))}
                >
                  {u.disabledAt ? 'Enable' : 'Disable'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={props.onCreate} className="grid gap-3 md:grid-cols-5 md:items-end">
        <Field id="new-user-name" label="Name">
          <input id="new-user-name" name="name" required className={inputClass()} />
        </Field>
        <Field id="new-user-email" label="Email">
          <input id="new-user-email" name="email" type="email" required className={inputClass()} />
        </Field>
        <Field id="new-user-password" label="Password (12+ characters)">
          <input id="new-user-password" name="password" type="password" required className={inputClass()} />
        </Field>
        <RoleField id="new-user-role" defaultRole="viewer" />
        <button type="submit" className={buttonClass('primary')}>
          Add user
        </button>
      </form>
    </section>
  );
}

/** The API keys, the one just created (shown once), and a form to create one. */
export function ApiKeysSection(props: {
  keys: readonly ApiKey[];
  newKey: string | null;
  onRevoke: (id: string) => void;
  onCreate: (event: FormEvent<HTMLFormElement>) => void;
}) {
  return (
    <section aria-labelledby="keys-title" className="space-y-3">
      <h2 id="keys-title" className="text-lg font-semibold">
        API keys
      </h2>
      {props.newKey ? (
        <Notice tone="success">
          Copy this key now; it is not shown again:{' '}
          <code className="break-all font-mono">{props.newKey}</code>
        </Notice>
      ) : null}
      <ul className="space-y-1 text-sm">
        {props.keys.map((k) => (
          <li key={k.id} className="flex flex-wrap items-center gap-3 border-b border-slate-100 py-1">
            <span className="font-medium">{k.name}</span>
            <code className="font-mono text-xs">{k.prefix}…</code>
            <span>{k.role}</span>
            <span className="text-slate-600">{keyState(k)}</span>
            {!k.revokedAt ? (
              <button
                type="button"
                className={buttonClass('secondary', 'sm')}
                onClick={() => props.onRevoke(k.id)}
              >
                Revoke {k.name}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <form onSubmit={props.onCreate} className="grid gap-3 md:grid-cols-4 md:items-end">
        <Field id="new-key-name" label="Key name">
          <input id="new-key-name" name="name" required className={inputClass()} />
        </Field>
        <RoleField id="new-key-role" defaultRole="operator" />
        <button type="submit" className={buttonClass('primary')}>
          Create key
        </button>
      </form>
    </section>
  );
}

/** The audit log as the server lists it, filtered by action. */
export function AuditLogSection(props: {
  entries: readonly AuditEntry[];
  actionFilter: string;
  onFilter: (action: string) => void;
}) {
  return (
    <section aria-labelledby="audit-title" className="space-y-3">
      <h2 id="audit-title" className="text-lg font-semibold">
        Audit log
      </h2>
      <Field id="audit-action" label="Filter by action (e.g. execution.start)">
        <input
          id="audit-action"
          value={props.actionFilter}
          onChange={(e) => props.onFilter(e.target.value)}
          className={inputClass()}
        />
      </Field>
      <ol className="max-h-96 space-y-1 overflow-y-auto text-xs">
        {props.entries.map((e) => (
          <li key={e.id} className="border-b border-slate-100 py-1 font-mono">
            {e.at} {e.actor.display} {e.action} {auditTarget(e)} {e.ip ?? ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
