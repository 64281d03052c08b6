'use client';

import { useState } from 'react';
import { ApiError, api } from '../../../../../lib/api-client.ts';
import { buttonClass, Notice } from '../../../../_components/ui.tsx';

interface Deployment {
  readonly dagId: string;
  readonly fileName: string;
  readonly path: string | null;
  readonly text: string;
}

/**
 * "Deploy to Airflow": hands the project's timetable to Airflow and writes its DAG file into the
 * server's AIRFLOW_DAGS_FOLDER, or, without one, downloads the file to copy there. Anyone who may
 * read the project may download the file without deploying it.
 */
export function DeployToAirflow(props: { projectId: string; canDeploy: boolean }) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const fileUrl = `/api/projects/${encodeURIComponent(props.projectId)}/airflow`;

  async function deploy() {
    setBusy(true);
    setResult(null);
    try {
      const deployed = await api<Deployment>(fileUrl, { method: 'POST' });
      if (deployed.path === null) download(deployed);
      setResult({
        tone: 'success',
        text: `${deployed.path ? `Written to ${deployed.path}` : `Downloaded ${deployed.fileName}: copy it into Airflow's dags folder`}. Airflow runs it as ${deployed.dagId}; DataBridge's scheduler no longer starts this project (step 4 can give it back).`,
      });
    } catch (error) {
      setResult({ tone: 'error', text: error instanceof ApiError ? error.message : String(error) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="airflow-title" className="mt-6 rounded border border-slate-200 p-4">
      <h2 id="airflow-title" className="text-base font-semibold">
        Airflow
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        A DAG file for Airflow 2.7+ and 3.x that starts this project through the API and waits for each stage.
        Airflow needs a connection <code>databridge_default</code>: this server's address as host, an API key
        as password.
      </p>
      <div className="mt-3 flex gap-2">
        {props.canDeploy ? (
          <button type="button" className={buttonClass('primary', 'sm')} disabled={busy} onClick={deploy}>
            {busy ? 'Deploying…' : 'Deploy to Airflow'}
          </button>
        ) : null}
        <a className={buttonClass('secondary', 'sm')} href={fileUrl} download>
          Download DAG file
        </a>
      </div>
      {result ? (
        <div className="mt-3" role="status">
          <Notice tone={result.tone}>{result.text}</Notice>
        </div>
      ) : null}
    </section>
  );
}

function download(file: Deployment) {
  const url = URL.createObjectURL(new Blob([file.text], { type: 'text/x-python' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.fileName;
  link.click();
  URL.revokeObjectURL(url);
}
