'use client';

import type { ConnectionTestResult, ConnectionView } from '@databridge/queue';
import { useState } from 'react';
import { api } from '../../../lib/api-client.ts';
import { Banner, type BannerMessage, reportInBanner } from '../../_components/api-form.tsx';
import { useConfirmDelete } from '../../_components/row-actions.tsx';
import { buttonClass, PageTitle } from '../../_components/ui.tsx';
import { lastTests, savedMessage, type TestState, withConnection } from './connection-draft.ts';
import { ConnectionForm } from './connection-form.tsx';
import { ConnectionRow } from './connection-row.tsx';

/** The saved connections, each with its last test, and the form that adds or edits one. */
export function ConnectionsManager({ initial }: { initial: ConnectionView[] }) {
  const [connections, setConnections] = useState(initial);
  const [editing, setEditing] = useState<'new' | ConnectionView | null>(initial.length === 0 ? 'new' : null);
  // The last test of each connection, kept by the server: it survives a reload.
  const [tests, setTests] = useState<Record<string, TestState>>(() => lastTests(initial));
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
    setConnections((list) => withConnection(list, connection));
    setEditing(null);
    setBanner(savedMessage(connection.name, created, failedTest));
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
            {connections.map((connection) => (
              <ConnectionRow
                key={connection.id}
                connection={connection}
                test={tests[connection.id]}
                onTest={() => runTest(connection.id)}
                onEdit={() => {
                  setEditing(connection);
                  setBanner(null);
                }}
                confirmDelete={confirmDelete(connection)}
              />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
