'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '../../../../../lib/api-client.ts';
import { ExecutionBarSlot } from '../../../../_components/monitor/bar-slot.tsx';
import type { ExecutionStatus } from '../../../../_components/monitor/execution-types.ts';
import { buttonClass } from '../../../../_components/ui.tsx';
import { STEPS, stepIndex } from './steps.ts';
import { useWizard } from './wizard-context.tsx';

/** Back, Save, Next and Start, pinned under the content. Next saves first; Start saves, then starts a run. */
export function WizardActions() {
  const pathname = usePathname();
  const router = useRouter();
  const {
    project,
    dirty,
    saving,
    saveError,
    savedAt,
    save,
    issues,
    draftErrors,
    noteExecution,
    planBlocker,
  } = useWizard();
  const [startError, setStartError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const index = stepIndex(pathname);
  const previous = STEPS[index - 1];
  const next = STEPS[index + 1];
  const blocking = issues.filter((i) => i.severity === 'error').length;
  // The plan's refusal holds for the saved spec it checked; an edit may have fixed it.
  const refused = dirty ? null : planBlocker;

  const draftBlocked = draftErrors.length > 0;
  const go = async (slug: string) => {
    if (draftBlocked) return;
    if (dirty && !(await save())) return;
    router.push(`/projects/${project.id}/${slug}`);
  };

  const start = async () => {
    setStartError(null);
    if (dirty && !(await save())) return;
    setStarting(true);
    try {
      const started = await api<{ executionId: string; status: ExecutionStatus }>('/api/executions/start', {
        method: 'POST',
        body: { projectId: project.id },
      });
      noteExecution(started.executionId, started.status);
      router.push(`/projects/${project.id}/execute`);
    } catch (error) {
      setStartError(error instanceof Error ? error.message : String(error));
    } finally {
      setStarting(false);
    }
  };

  const message = saveError ?? startError;
  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="button"
        className={buttonClass('secondary')}
        disabled={!previous || saving || draftBlocked}
        onClick={() => previous && go(previous.slug)}
      >
        ← Back
      </button>
      <p className="min-w-0 flex-1 text-sm" role={message ? 'alert' : 'status'} aria-live="polite">
        {message ? (
          <span className="font-medium text-red-700">{message}</span>
        ) : draftBlocked ? (
          <span className="font-medium text-red-700">
            Fix the field{draftErrors.length > 1 ? 's' : ''} marked in red: {draftErrors[0]?.message}
          </span>
        ) : saving ? (
          <span className="text-slate-600">Saving…</span>
        ) : dirty ? (
          <span className="text-amber-800">Unsaved changes</span>
        ) : savedAt ? (
          <span className="text-emerald-800">All changes saved</span>
        ) : blocking > 0 ? (
          <span className="text-red-700">
            {blocking} problem{blocking > 1 ? 's' : ''} to fix before a run
          </span>
        ) : refused ? (
          <span className="text-red-700" data-testid="start-blocked">
            Start is off until the plan accepts the spec: {refused}
          </span>
        ) : null}
      </p>
      {STEPS[index]?.slug === 'execute' ? <ExecutionBarSlot /> : null}
      <button
        type="button"
        className={buttonClass('secondary')}
        disabled={!dirty || saving || draftBlocked}
        onClick={save}
      >
        Save
      </button>
      {next ? (
        <button
          type="button"
          className={buttonClass('secondary')}
          disabled={saving || draftBlocked}
          onClick={() => go(next.slug)}
        >
          Next →
        </button>
      ) : null}
      <button
        type="button"
        className={buttonClass('primary')}
        disabled={saving || starting || blocking > 0 || refused !== null}
        title={
          blocking > 0
            ? 'Fix the problems marked in the steps first'
            : refused
              ? 'The plan refuses the saved spec (see step 5): fix it, then preview again'
              : undefined
        }
        onClick={start}
      >
        {starting ? 'Starting…' : 'Start migration'}
      </button>
    </div>
  );
}
