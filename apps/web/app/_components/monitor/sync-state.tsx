'use client';

import { useEffect, useState } from 'react';
import { api } from '../../../lib/api-client.ts';
import { buttonClass, Notice } from '../ui.tsx';

/** One incremental mapping of a finished run, as report.json carries it (engine SyncSummary). */
interface SyncRow {
  readonly mappingId: string;
  readonly table: string;
  readonly mode: string;
  readonly cursor: string;
  readonly cursorBefore: string | number | null;
  readonly cursorAfter: string | number | null;
  readonly rowsRead: number;
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
  readonly checksum: string | null;
}

const cursorText = (v: string | number | null) => (v === null ? 'none (full load)' : String(v));
const n = (x: number) => x.toLocaleString('en-US');

/**
 * The incremental mappings of the selected execution: each cursor before and after the run with
 * what moved (from its report, once it has ended), and for editors the reset-state control that makes
 * the next run a full load.
 */
export function SyncState(props: {
  projectId: string;
  executionId: string;
  /** The execution has ended: its report exists. */
  ended: boolean;
  canEdit: boolean;
}) {
  const [rows, setRows] = useState<readonly SyncRow[] | null>(null);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setRows(null);
    if (!props.ended) return;
    let live = true;
    fetch(`/api/executions/${encodeURIComponent(props.executionId)}/report?format=json`, {
      cache: 'no-store',
    })
      .then((r) => (r.ok ? (r.json() as Promise<{ sync?: SyncRow[] }>) : { sync: [] }))
      .then((report) => live && setRows(report.sync ?? []))
      .catch(() => live && setRows([]));
    return () => {
      live = false;
    };
  }, [props.executionId, props.ended]);

  const reset = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const { forgotten } = await api<{ forgotten: string[] }>(
        `/api/projects/${encodeURIComponent(props.projectId)}/sync-state`,
        { method: 'POST', body: {} },
      );
      setMessage({
        tone: 'success',
        text:
          forgotten.length === 0
            ? 'No cursor was saved: the next run is a full load already.'
            : `Forgot ${forgotten.length} cursor${forgotten.length > 1 ? 's' : ''}: the next run is a full load.`,
      });
    } catch (error) {
      setMessage({ tone: 'error', text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="space-y-2">
      {!props.ended ? (
        <p className="text-sm text-slate-600">Cursors and counts appear here when the run ends.</p>
      ) : rows === null ? (
        <p className="text-sm text-slate-600">Loading the cursors…</p>
      ) : rows.length === 0 ? (
        <p className="text-sm text-slate-600">This run has no incremental mapping.</p>
      ) : (
        <table className="w-full rounded-lg border border-slate-200 bg-white text-sm">
          <thead>
            <tr className="text-left">
              <th className="p-2">Table</th>
              <th className="p-2">Cursor before</th>
              <th className="p-2">Cursor after</th>
              <th className="p-2 text-right">Read</th>
              <th className="p-2 text-right">Inserted</th>
              <th className="p-2 text-right">Updated</th>
              <th className="p-2 text-right">Deleted</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.mappingId} className="border-t border-slate-200">
                <td className="p-2">
                  {r.table}{' '}
                  <span className="text-slate-500">
                    ({r.mode.replace('incremental_', '')} on {r.cursor})
                  </span>
                </td>
                <td className="p-2">{cursorText(r.cursorBefore)}</td>
                <td className="p-2">{cursorText(r.cursorAfter)}</td>
                <td className="p-2 text-right">{n(r.rowsRead)}</td>
                <td className="p-2 text-right">{n(r.inserted)}</td>
                <td className="p-2 text-right">{n(r.updated)}</td>
                <td className="p-2 text-right">{n(r.deleted)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.canEdit ? (
        <button type="button" className={buttonClass('secondary', 'sm')} disabled={busy} onClick={reset}>
          Reset state (next run loads everything)
        </button>
      ) : null}
      {message ? <Notice tone={message.tone}>{message.text}</Notice> : null}
    </div>
  );
}
