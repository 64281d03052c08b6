'use client';

import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api } from '../../../lib/api-client.ts';
import { Notice } from '../../_components/ui.tsx';
import { type ApiKey, type AuditEntry, auditUrl, type User } from './admin-model.ts';
import { ApiKeysSection, AuditLogSection, UsersSection } from './admin-sections.tsx';

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
      const [u, k, a] = await Promise.all([
        api<{ users: User[] }>('/api/users'),
        api<{ apiKeys: ApiKey[] }>('/api/api-keys'),
        api<{ entries: AuditEntry[] }>(auditUrl(actionFilter)),
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

  /** Runs a change, shows what went wrong if it fails, and reloads the lists. */
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
  const submitAndReset =
    (create: (values: Record<string, FormDataEntryValue>) => Promise<void>) =>
    (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      const form = event.currentTarget;
      const values = Object.fromEntries(new FormData(form).entries());
      void act(async () => {
        await create(values);
        form.reset();
      });
    };

  return (
    <div className="space-y-8">
      {error ? <Notice tone="error">{error}</Notice> : null}
      <UsersSection
        users={users}
        onChange={(id, change) => void act(() => api(`/api/users/${id}`, { method: 'PATCH', body: change }))}
        onCreate={submitAndReset(async (values) => {
          await api('/api/users', { method: 'POST', body: values });
        })}
      />
      <ApiKeysSection
        keys={keys}
        newKey={newKey}
        onRevoke={(id) => void act(() => api(`/api/api-keys/${id}`, { method: 'DELETE' }))}
        onCreate={submitAndReset(async (values) => {
          const created = await api<{ key: string }>('/api/api-keys', { method: 'POST', body: values });
          setNewKey(created.key);
        })}
      />
      <AuditLogSection entries={entries} actionFilter={actionFilter} onFilter={setActionFilter} />
    </div>
  );
}
