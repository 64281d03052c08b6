import type { ArtefactStoreHealth } from '@databridge/queue';
import { formatBytes } from '../../../lib/client-safe.ts';
import { Notice } from '../../_components/ui.tsx';

/** Where executions' reports, logs, rejects and DDL are kept, whether it answers and what it holds. */
export function ArtefactStoreHealthPanel({ health }: { health: ArtefactStoreHealth }) {
  return (
    <section
      aria-labelledby="artefact-store-title"
      className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="artefact-store-title" className="text-lg font-semibold">
        Artefact store
      </h2>
      <p className="break-all text-sm">
        {health.kind === 'object_store' ? 'Object store' : 'Local folder'}:{' '}
        <code>{health.store.replace(/^(object store|local folder) /, '')}</code>
      </p>
      {health.problem ? (
        <Notice tone="error">{health.problem}</Notice>
      ) : (
        <p className="text-sm text-slate-700" data-health="ok">
          Answering ({health.latencyMs} ms).{' '}
          {health.usage
            ? `${health.usage.executions.toLocaleString('en-US')} execution(s), ${health.usage.objects.toLocaleString('en-US')} file(s), ${formatBytes(health.usage.bytes)}.`
            : ''}
        </p>
      )}
      <p className="text-xs text-slate-600">
        {health.retentionDays
          ? `Executions' artefacts older than ${health.retentionDays} days are removed by the scheduler.`
          : 'Kept for ever: set DATABRIDGE_ARTEFACT_RETENTION_DAYS, or a lifecycle rule on the bucket, to remove old ones.'}
      </p>
    </section>
  );
}
