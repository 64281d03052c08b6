'use client';

import type { SqliteFileView } from '@databridge/queue';
import { useCallback, useEffect, useId, useState } from 'react';
import { ApiError, api } from '../../../lib/api-client.ts';
import { buttonClass, inputClass } from '../../_components/ui.tsx';

/**
 * The server opens SQLite files only in its SQLite folder (DATABRIDGE_SQLITE_DIR): pick one already
 * there, or upload one into it. Picking fills the connection's file field with the file's path.
 */
export function SqliteFilePicker(props: { value: string; onPick: (path: string) => void }) {
  const id = useId();
  const [folder, setFolder] = useState<{ folder: string; files: SqliteFileView[] } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setFolder(await api<{ folder: string; files: SqliteFileView[] }>('/api/connections/files'));
    } catch (error) {
      setMessage(error instanceof ApiError ? error.message : 'The list of files could not be read');
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const upload = async (file: File) => {
    setBusy(true);
    setMessage(null);
    try {
      // The raw file as the body: a Blob without a type, so fetch sends no content type.
      const response = await fetch(`/api/connections/files?name=${encodeURIComponent(file.name)}`, {
        method: 'POST',
        body: new Blob([file]),
        cache: 'no-store',
      });
      const reply = (await response.json()) as {
        success: boolean;
        data?: SqliteFileView;
        error?: { message: string };
      };
      if (!reply.success || !reply.data) throw new Error(reply.error?.message ?? `${response.status}`);
      await load();
      props.onPick(reply.data.path);
      setMessage(`Uploaded ${reply.data.name}`);
    } catch (error) {
      setMessage(`The upload failed: ${(error as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="md:col-span-2 rounded-md border border-slate-200 p-3 text-sm">
      <p className="text-slate-600">
        This server opens SQLite files in <code>{folder?.folder ?? '…'}</code> only.
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <label htmlFor={`${id}-pick`} className="font-medium">
          A file there
        </label>
        <select
          id={`${id}-pick`}
          className={inputClass(false)}
          value={folder?.files.some((f) => f.path === props.value) ? props.value : ''}
          onChange={(e) => e.target.value && props.onPick(e.target.value)}
        >
          <option value="">{folder && folder.files.length === 0 ? 'none yet' : 'choose…'}</option>
          {folder?.files.map((f) => (
            <option key={f.path} value={f.path}>
              {f.name} ({Math.ceil(f.bytes / 1024).toLocaleString()} KB)
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-upload`} className={buttonClass('secondary')}>
          {busy ? 'Uploading…' : 'Upload a file'}
        </label>
        <input
          id={`${id}-upload`}
          type="file"
          accept=".sqlite,.sqlite3,.db"
          className="sr-only"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void upload(file);
            e.target.value = '';
          }}
        />
      </div>
      {message ? (
        <p role="status" className="mt-2 text-slate-700">
          {message}
        </p>
      ) : null}
    </div>
  );
}
