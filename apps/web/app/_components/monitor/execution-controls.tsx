'use client';

import { useState } from 'react';
import { api } from '../../../lib/api-client.ts';
import { buttonClass } from '../ui.tsx';
import type { ExecutionStatus, ExecutionStatusView } from './execution-types.ts';

type Control = 'pause' | 'resume' | 'retry' | 'cancel';

/** Which statuses each control accepts (the API answers 409 to the others). */
const ALLOWED: Record<Control, readonly ExecutionStatus[]> = {
  pause: ['pending', 'queued', 'running', 'interrupted'],
  // `interrupted`: a server stopped while running it (one that stopped twice waits for this).
  resume: ['paused', 'interrupted'],
  retry: ['failed', 'cancelled'],
  cancel: ['pending', 'queued', 'running', 'paused', 'interrupted'],
};

const LABELS: Record<Control, { idle: string; busy: string; hint: string }> = {
  pause: { idle: 'Pause', busy: 'Pausing…', hint: 'Tasks stop at their next batch, checkpointed' },
  resume: { idle: 'Resume', busy: 'Resuming…', hint: 'Continues from the checkpoints' },
  retry: { idle: 'Retry', busy: 'Retrying…', hint: 'Re-runs only what failed or never started' },
  cancel: { idle: 'Cancel run', busy: 'Cancelling…', hint: 'Stops the execution for good' },
};

/**
 * Pause, Resume, Retry and Cancel, each enabled only in the states the API accepts. Cancel asks to be
 * confirmed. The answer (the new status view) goes to `onChange`; a refusal is shown beside them.
 */
export function ExecutionControls(props: {
  view: ExecutionStatusView;
  onChange: (view: ExecutionStatusView) => void;
  /** False when the signed-in role may not run executions: every control is off. */
  allowed?: boolean;
}) {
  const { view } = props;
  const [busy, setBusy] = useState<Control | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const run = async (control: Control) => {
    setConfirming(false);
    setProblem(null);
    setBusy(control);
    try {
      props.onChange(
        await api<ExecutionStatusView>(`/api/executions/${encodeURIComponent(view.executionId)}/${control}`, {
          method: 'POST',
        }),
      );
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(null);
    }
  };

  const button = (control: Control, variant: 'secondary' | 'primary' | 'danger') => {
    const allowed = ALLOWED[control].includes(view.status) && props.allowed !== false;
    const why =
      props.allowed === false
        ? 'Your role may look but not run executions'
        : `Not while the execution is ${view.status}`;
    return (
      <button
        type="button"
        className={buttonClass(variant, 'sm')}
        disabled={!allowed || busy !== null}
        title={allowed ? LABELS[control].hint : why}
        onClick={() => (control === 'cancel' ? setConfirming(true) : run(control))}
      >
        {busy === control ? LABELS[control].busy : LABELS[control].idle}
      </button>
    );
  };

  return (
    // biome-ignore lint/a11y/useSemanticElements: a toolbar of buttons, not a form's fieldset
    <div role="group" aria-label="Execution controls" className="flex flex-wrap items-center gap-2">
      {button('pause', 'secondary')}
      {button('resume', view.status === 'paused' || view.status === 'interrupted' ? 'primary' : 'secondary')}
      {button('retry', view.status === 'failed' ? 'primary' : 'secondary')}
      {confirming ? (
        <>
          <button
            type="button"
            className={buttonClass('danger', 'sm')}
            disabled={busy !== null || !ALLOWED.cancel.includes(view.status)}
            onClick={() => run('cancel')}
          >
            Confirm cancel
          </button>
          <button type="button" className={buttonClass('ghost', 'sm')} onClick={() => setConfirming(false)}>
            Keep running
          </button>
        </>
      ) : (
        button('cancel', 'danger')
      )}
      {problem ? (
        <p role="alert" className="basis-full text-sm font-medium text-red-700">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
