'use client';

import type { ExecutionArtefacts } from '@databridge/queue';
import { formatBytes } from '../../../lib/client-safe.ts';
import { Notice } from '../ui.tsx';
import { type ExecutionStatusView, isTerminal } from './execution-types.ts';
import { useLiveResource } from './use-live-resource.ts';

/**
 * An ended execution's artefacts (report, run log, rejects, DDL, extract archive), each a download with its size, and
 * where they are kept; when the upload to the object store failed, why, instead of a missing link.
 */
export function ExecutionArtefactsList(props: { view: ExecutionStatusView }) {
  const { view } = props;
  const ended = isTerminal(view.status);
  const path = ended ? `/api/executions/${encodeURIComponent(view.executionId)}/artefacts` : null;
  const { value, error } = useLiveResource<ExecutionArtefacts>(
    path,
    `${view.status}:${view.artefactsPending}`,
  );
  if (!ended) return null;
  const pending = view.artefactsPending ?? value?.pending ?? null;
  return (
    <section aria-labelledby="artefacts-title" className="space-y-2">
      <h3 id="artefacts-title" className="text-sm font-semibold">
        Artefacts
        {value ? <span className="ml-2 text-xs font-normal text-slate-600">in the {value.store}</span> : null}
      </h3>
      {pending ? <Notice tone="warning">Not stored yet: {pending}</Notice> : null}
      {error ? <Notice tone="error">Artefacts: {error}</Notice> : null}
      {value && value.artefacts.length > 0 ? (
        <ul className="divide-y divide-slate-100 rounded-md border border-slate-200 text-sm">
          {value.artefacts.map((a) => (
            <li key={a.name} className="flex items-center justify-between gap-4 px-3 py-1.5">
              <a href={a.url} download className="break-all font-mono text-xs font-semibold underline">
                {a.name}
              </a>
              <span className="shrink-0 text-xs tabular-nums text-slate-600" data-bytes={a.size}>
                {formatBytes(a.size)}
              </span>
            </li>
          ))}
        </ul>
      ) : value ? (
        <p className="text-xs text-slate-600">No artefacts yet.</p>
      ) : null}
    </section>
  );
}
