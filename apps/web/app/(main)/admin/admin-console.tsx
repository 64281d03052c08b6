'use client';

import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { buttonClass, Field, inputClass, Notice } from '../../_components/ui.tsx';

const ROLES = ['viewer', 'operator', 'editor', 'admin'] as const;

function RoleOptions() {
  return ROLES.map((r) => <option key={r}>{r}</option>);
}

/** The role of a new user or key, sent as the form's `role`. */
function RoleField(props: { id: string; defaultRole: (typeof ROLES)[number] }) {
  return (
    <Field id={props.id} label="Role">
      <select id={props.id} name="role" className={inputClass()} defaultValue={props.defaultRole}>
        <RoleOptions />
      </select>
    </Field>
  );
}

interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  disabledAt: string | null;
}
interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}
interface AuditEntry {
  id: number;
  at: string;
  actor: { kind: string; display: string };
  action: string;
  target: { kind: string; id: string | null } | null;
  ip: string | null;
  details: unknown;
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const json = (await response.json()) as { success: boolean; data: T; error?: { message: string } };
  if (!json.success) throw new Error(json.error?.message ?? `HTTP ${response.status}`);
  return json.data;
}

/** Users (create, change role, disable), API keys (create, shown once; revoke) and the audit log. */
export function AdminConsole() {
  const [users, setUsers] = useState<User[]>([]);
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [actionFilter, setActionFilter] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [newKey, setNewKey] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const query = actionFilter ? `?action=${encodeURIComponent(actionFilter)}` : '';
      const [u, k, a] = await Promise.all([
        call<{ users: User[] }>('GET', '/api/users'),
        call<{ apiKeys: ApiKey[] }>('GET', '/api/api-keys'),
        call<{ entries: AuditEntry[] }>('GET', `/api/audit${query}`),
      ]);
      setUsers(u.users);
      setKeys(k.apiKeys);
      setEntries(a.entries);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [actionFilter]);

  useEffect(() => {
    void load();
  }, [load]);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
      await load();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  /** Sends a form's fields with `create`, then empties the form. */
  const submitAndReset = (
    event: FormEvent<HTMLFormElement>,
    create: (values: Record<string, FormDataEntryValue>) => Promise<void>,
  ) => {
    event.preventDefault();
    const form = event.currentTarget;
    const values = Object.fromEntries(new FormData(form).entries());
    void act(async () => {
      await create(values);
      form.reset();
    });
  };

  const createUser = (event: FormEvent<HTMLFormElement>) =>
    submitAndReset(event, async (values) => {
      await call('POST', '/api/users', values);
    });

  const createKey = (event: FormEvent<HTMLFormElement>) =>
    submitAndReset(event, async (values) => {
      const created = await call<{ key: string }>('POST', '/api/api-keys', values);
      setNewKey(created.key);
    });

  return (
    <div className="space-y-8">
      {error ? <Notice tone="error">{error}</Notice> : null}
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
            {users.map((u) => (
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
                    onChange={(e) =>
                      void act(() => call('PATCH', `/api/users/${u.id}`, { role: e.target.value }))
                    }
                    className={inputClass()}
                  >
                    <RoleOptions />
                  </select>
                </td>
                <td>
                  <button
                    type="button"
                    className={buttonClass('secondary', 'sm')}
                    onClick={() =>
                      void act(() => call('PATCH', `/api/users/${u.id}`, { disabled: !u.disabledAt }))
                    }
                  >
                    {u.disabledAt ? 'Enable' : 'Disable'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form onSubmit={createUser} className="grid gap-3 md:grid-cols-5 md:items-end">
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

      <section aria-labelledby="keys-title" className="space-y-3">
        <h2 id="keys-title" className="text-lg font-semibold">
          API keys
        </h2>
        {newKey ? (
          <Notice tone="success">
            Copy this key now; it is not shown again: <code className="break-all font-mono">{newKey}</code>
          </Notice>
        ) : null}
        <ul className="space-y-1 text-sm">
          {keys.map((k) => (
            <li key={k.id} className="flex flex-wrap items-center gap-3 border-b border-slate-100 py-1">
              <span className="font-medium">{k.name}</span>
              <code className="font-mono text-xs">{k.prefix}…</code>
              <span>{k.role}</span>
              <span className="text-slate-600">
                {k.revokedAt ? 'revoked' : k.expiresAt ? `expires ${k.expiresAt}` : 'no expiry'}
              </span>
              {!k.revokedAt ? (
                <button
                  type="button"
                  className={buttonClass('secondary', 'sm')}
                  onClick={() => void act(() => call('DELETE', `/api/api-keys/${k.id}`))}
                >
                  Revoke {k.name}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
        <form onSubmit={createKey} className="grid gap-3 md:grid-cols-4 md:items-end">
          <Field id="new-key-name" label="Key name">
            <input id="new-key-name" name="name" required className={inputClass()} />
          </Field>
          <RoleField id="new-key-role" defaultRole="operator" />
          <button type="submit" className={buttonClass('primary')}>
            Create key
          </button>
        </form>
      </section>

      <section aria-labelledby="audit-title" className="space-y-3">
        <h2 id="audit-title" className="text-lg font-semibold">
          Audit log
        </h2>
        <Field id="audit-action" label="Filter by action (e.g. execution.start)">
          <input
            id="audit-action"
            value={actionFilter}
            onChange={(e) => setActionFilter(e.target.value)}
            className={inputClass()}
          />
        </Field>
        <ol className="max-h-96 space-y-1 overflow-y-auto text-xs">
          {entries.map((e) => (
            <li key={e.id} className="border-b border-slate-100 py-1 font-mono">
              {e.at} {e.actor.display} {e.action} {e.target ? `${e.target.kind}:${e.target.id}` : ''}{' '}
              {e.ip ?? ''}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
