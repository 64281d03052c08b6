'use client';

import type { MappingPreview } from '@databridge/engine';
import type { ProjectPreview } from '@databridge/queue';
import Link from 'next/link';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api } from '../../../../../lib/api-client.ts';
import { buttonClass, Notice, PageTitle } from '../../../../_components/ui.tsx';
import { DagGraph } from './dag-graph.tsx';
import { STEPS, stepHeading } from './steps.ts';
import { useWizard } from './wizard-context.tsx';

const WARNING_LABELS: Record<string, string> = {
  type_compatibility: 'Type compatibility',
  null_constraint: 'Null constraints',
  primary_key_conflict: 'Primary-key conflicts',
  schema_mismatch: 'Schema mismatches',
  foreign_key: 'Foreign keys',
  schema_object: 'Not migrated or not created',
};

type State =
  | { state: 'idle' }
  | { state: 'loading' }
  | { state: 'ready'; preview: ProjectPreview }
  | { state: 'failed'; message: string };

function show(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Step 5: sample rows before and after their transformations, the run's stages, and the plan's warnings. */
export function PreviewStep() {
  const { project, dirty, save, saving, setPreviewStatus } = useWizard();
  const [result, setResult] = useState<State>({ state: 'idle' });

  const run = useCallback(async () => {
    setResult({ state: 'loading' });
    try {
      const preview = await api<ProjectPreview>(`/api/projects/${project.id}/preview?rows=10`);
      setResult({ state: 'ready', preview });
      const rejected = preview.mappings.some((m) => m.rows.some((r) => r.rejected));
      setPreviewStatus(rejected ? 'issues' : 'clean');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      setResult({ state: 'failed', message });
      // A refusal of the spec (400) blocks Start; a database that did not answer does not.
      setPreviewStatus('issues', error instanceof ApiError && error.status === 400 ? message : null);
    }
  }, [project.id, setPreviewStatus]);

  // Once on arrival; a later preview is the user's call.
  const arrived = useRef(false);
  useEffect(() => {
    if (arrived.current) return;
    arrived.current = true;
    if (!dirty) void run();
  }, [dirty, run]);

  return (
    <div className="mx-auto max-w-6xl space-y-6">
      <PageTitle
        title={stepHeading('preview')}
        description="The first rows of each mapping as read and as the target would get them, without writing anything."
        actions={
          <button
            type="button"
            className={buttonClass('secondary')}
            disabled={result.state === 'loading' || saving}
            onClick={async () => {
              if (dirty && !(await save())) return;
              await run();
            }}
          >
            {dirty ? 'Save and preview' : result.state === 'ready' ? 'Preview again' : 'Preview'}
          </button>
        }
      />
      {dirty ? (
        <Notice tone="warning">The preview shows the saved spec: save to include your latest changes.</Notice>
      ) : null}
      {result.state === 'loading' ? (
        <p role="status" className="text-sm text-slate-600">
          Planning the run and reading sample rows…
        </p>
      ) : null}
      {result.state === 'failed' ? <Notice tone="error">{result.message}</Notice> : null}
      {result.state === 'ready' ? <PreviewResult preview={result.preview} projectId={project.id} /> : null}
    </div>
  );
}

function PreviewResult({ preview, projectId }: { preview: ProjectPreview; projectId: string }) {
  const groups = new Map<string, ProjectPreview['warnings'][number][]>();
  for (const w of preview.warnings) groups.set(w.kind, [...(groups.get(w.kind) ?? []), w]);
  return (
    <>
      <section aria-labelledby="dag-title">
        <h2 id="dag-title" className="mb-2 text-lg font-semibold">
          The run
        </h2>
        <DagGraph dag={preview.dag} projectId={projectId} />
      </section>

      <section aria-labelledby="warnings-title">
        <h2 id="warnings-title" className="mb-2 text-lg font-semibold">
          Warnings ({preview.warnings.length + (preview.alertProblems?.length ?? 0)})
        </h2>
        {preview.alertProblems?.length ? (
          <details open className="mb-3 rounded-md border border-amber-300 bg-amber-50 px-3 py-2">
            <summary className="cursor-pointer text-sm font-semibold text-amber-950">
              Alerts that cannot be delivered ({preview.alertProblems.length})
            </summary>
            <ul className="mt-2 space-y-1 text-sm">
              {preview.alertProblems.map((p) => (
                <li key={p.channel}>
                  {p.message} <span className="text-slate-700">{p.fix}</span>{' '}
                  <Link
                    href={`/projects/${projectId}/schedule`}
                    className="font-semibold text-cyan-800 underline"
                  >
                    Fix in step {STEPS.findIndex((s) => s.slug === 'schedule') + 1}
                  </Link>
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        {preview.warnings.length === 0 ? (
          <Notice tone="success">The plan has no warnings.</Notice>
        ) : (
          <div className="space-y-3">
            {[...groups.entries()].map(([kind, warnings]) => {
              const step = STEPS.findIndex((s) => s.slug === warnings[0]!.step);
              return (
                <details key={kind} open className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2">
                  <summary className="cursor-pointer text-sm font-semibold text-amber-950">
                    {WARNING_LABELS[kind] ?? kind} ({warnings.length})
                  </summary>
                  <ul className="mt-2 space-y-1 text-sm">
                    {warnings.map((w) => (
                      <li key={`${w.table}-${w.column ?? ''}-${w.message}`}>
                        <span className="font-mono text-xs">
                          {w.table}
                          {w.column ? `.${w.column}` : ''}
                        </span>
                        : {w.message} <span className="text-slate-700">{w.fix}</span>{' '}
                        <Link
                          href={`/projects/${projectId}/${w.step}`}
                          className="font-semibold text-cyan-800 underline"
                        >
                          Fix in step {step + 1}
                        </Link>
                      </li>
                    ))}
                  </ul>
                </details>
              );
            })}
          </div>
        )}
      </section>

      {preview.ddl.beforeLoad.length > 0 ? (
        <section aria-labelledby="ddl-title">
          <details className="rounded-md border border-slate-300 bg-white px-3 py-2">
            <summary id="ddl-title" className="cursor-pointer text-sm font-semibold">
              DDL the run executes ({preview.ddl.beforeLoad.length + preview.ddl.afterLoad.length} statements)
            </summary>
            <p className="mt-2 text-xs text-slate-600">Before the load:</p>
            <pre className="overflow-x-auto text-xs">
              {preview.ddl.beforeLoad.map((s) => `${s};`).join('\n\n')}
            </pre>
            <p className="mt-2 text-xs text-slate-600">After the load:</p>
            <pre className="overflow-x-auto text-xs">
              {preview.ddl.afterLoad.map((s) => `${s};`).join('\n\n')}
            </pre>
          </details>
        </section>
      ) : null}

      <section aria-labelledby="rows-title" className="space-y-4">
        <h2 id="rows-title" className="text-lg font-semibold">
          Sample rows
        </h2>
        {preview.mappings.map((m) => (
          <MappingRows key={m.mappingId} mapping={m} />
        ))}
      </section>
    </>
  );
}

function MappingRows({ mapping }: { mapping: MappingPreview }) {
  const sourceNames = [...new Set(mapping.rows.flatMap((r) => Object.keys(r.source)))];
  const targetNames = mapping.columns.map((c) => c.target);
  const rejected = mapping.rows.filter((r) => r.rejected).length;
  return (
    <details open={rejected > 0} className="rounded-lg border border-slate-200 bg-white">
      <summary className="cursor-pointer px-4 py-2 text-sm font-semibold">
        <span className="font-mono">
          {mapping.source} → {mapping.target}
        </span>{' '}
        <span className="font-normal text-slate-600">
          {mapping.rows.length} row{mapping.rows.length === 1 ? '' : 's'}
          {rejected > 0 ? `, ${rejected} rejected` : ''}
        </span>
      </summary>
      <div className="max-h-96 overflow-auto border-t border-slate-200">
        <table className="min-w-full text-left text-xs">
          <thead className="sticky top-0 bg-slate-50">
            <tr>
              <th
                scope="colgroup"
                colSpan={sourceNames.length}
                className="border-r border-slate-300 px-2 py-1"
              >
                As read from the source
              </th>
              <th scope="colgroup" colSpan={targetNames.length + 1} className="px-2 py-1 text-cyan-900">
                As the target gets it
              </th>
            </tr>
            <tr className="font-mono">
              {sourceNames.map((n, i) => (
                <th
                  key={`s-${n}`}
                  scope="col"
                  className={`px-2 py-1 ${i === sourceNames.length - 1 ? 'border-r border-slate-300' : ''}`}
                >
                  {n}
                </th>
              ))}
              {targetNames.map((n) => (
                <th key={`t-${n}`} scope="col" className="px-2 py-1 text-cyan-900">
                  {n}
                </th>
              ))}
              <th scope="col" className="px-2 py-1">
                <span className="sr-only">Rejection</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 font-mono">
            {mapping.rows.map((row) => {
              const key = JSON.stringify(row.source);
              return (
                <tr key={key} className={row.rejected ? 'bg-red-50' : ''}>
                  {sourceNames.map((n, i) => (
                    <td
                      key={`s-${n}`}
                      className={`max-w-56 truncate px-2 py-1 text-slate-700 ${
                        i === sourceNames.length - 1 ? 'border-r border-slate-300' : ''
                      }`}
                    >
                      {show(row.source[n])}
                    </td>
                  ))}
                  {row.target ? (
                    targetNames.map((n) => (
                      <td key={`t-${n}`} className="max-w-56 truncate px-2 py-1">
                        {show(row.target?.[n])}
                      </td>
                    ))
                  ) : (
                    <td
                      colSpan={targetNames.length}
                      className="px-2 py-1 font-sans font-semibold text-red-800"
                    >
                      rejected
                    </td>
                  )}
                  <td className="px-2 py-1 font-sans text-red-800">
                    {row.rejected ? `${row.rejected.column}: ${row.rejected.reason}` : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
}
