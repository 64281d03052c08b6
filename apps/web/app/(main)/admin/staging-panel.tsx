'use client';

import type { StagingOverview } from '@databridge/queue';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '../../../lib/api-client.ts';
import { formatBytes } from '../../../lib/client-safe.ts';
import { buttonClass, Notice } from '../../_components/ui.tsx';
import { ageOf, dropText } from './staging-model.ts';

/** The staging database: whether one is set, each run's schema held, and a drop for each. */
export function StagingPanel({ overview }: { overview: StagingOverview }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const now = new Date();
  const drop = async (schema: string) => {
    if (!window.confirm(`Drop ${schema} and every staged row in it? A retry of its run will then fail.`))
      return;
    setError(null);
    setBusy(schema);
    try {
      await api(`/api/staging/${encodeURIComponent(schema)}`, { method: 'DELETE' });
      router.refresh();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section
      aria-labelledby="staging-title"
      className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="staging-title" className="text-lg font-semibold">
        Staging database
      </h2>
      {!overview.configured ? (
        <p className="text-sm text-slate-700" data-staging="off">
          Not configured: runs stream from source to target. Set STAGING_DATABASE_URL (PostgreSQL) to offer
          staging in the wizard.
        </p>
      ) : (
        <>
          <p className="break-all text-sm">
            <code>{overview.database}</code>: {overview.schemas.length} run(s) held,{' '}
            {formatBytes(overview.bytes)}.
          </p>
          {overview.problem ? <Notice tone="error">{overview.problem}</Notice> : null}
          {error ? <Notice tone="error">{error}</Notice> : null}
          {overview.schemas.length > 0 ? (
            <table className="w-full text-left text-sm" aria-label="Staging schemas held">
              <thead>
                <tr className="border-b border-slate-200 text-slate-600">
                  <th className="py-1">Execution</th>
                  <th>Project</th>
                  <th>State</th>
                  <th>Tables</th>
                  <th>Size</th>
                  <th>Age</th>
                  <th>Retention drops it</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {overview.schemas.map((s) => (
                  <tr key={s.schema} className="border-b border-slate-100" data-schema={s.schema}>
                    <td className="py-1 font-mono text-xs">
                      {s.projectId ? (
                        <Link
                          className="underline"
                          href={`/projects/${encodeURIComponent(s.projectId)}/execute?execution=${encodeURIComponent(s.runId)}`}
                        >
                          {s.runId}
                        </Link>
                      ) : (
                        s.runId
                      )}
                    </td>
                    <td>{s.project ?? '—'}</td>
                    <td>{s.state}</td>
                    <td>{s.tables}</td>
                    <td>{formatBytes(s.bytes)}</td>
                    <td>{ageOf(s.stagedAt, now)}</td>
                    <td title={s.drop.why}>{dropText(s.drop, now)}</td>
                    <td>
                      <button
                        type="button"
                        className={buttonClass('danger', 'sm')}
                        disabled={s.state === 'running' || busy !== null}
                        title={s.state === 'running' ? 'Its run is active: cancel it first' : undefined}
                        onClick={() => void drop(s.schema)}
                      >
                        Drop
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <p className="text-xs text-slate-600">
            Completed runs keep their staged rows as their project’s keepStaging says (by default not past the
            report); failed, cancelled and paused runs keep them {overview.failedRetentionDays} day(s) for a
            retry (DATABRIDGE_STAGING_FAILED_RETENTION_DAYS). The scheduler drops them then.
          </p>
        </>
      )}
    </section>
  );
}
