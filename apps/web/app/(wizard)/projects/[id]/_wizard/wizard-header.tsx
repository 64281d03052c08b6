'use client';

import { ProgressCircle } from '../../../../_components/progress-circle.tsx';
import { STEPS } from './steps.ts';
import { useWizard } from './wizard-context.tsx';

/** The project's name, its two databases and the share of completed steps. */
export function WizardHeader() {
  const { project, states, dirty } = useWizard();
  const done = STEPS.filter((s) => states[s.slug] === 'complete').length;
  return (
    <div className="flex min-w-0 items-center gap-3">
      <ProgressCircle done={done} total={STEPS.length} />
      <div className="min-w-0">
        <p className="truncate font-semibold leading-tight" title={project.name}>
          {project.name}
          {dirty ? (
            <span className="ml-2 rounded bg-amber-300 px-1.5 py-0.5 text-xs font-semibold text-ink">
              unsaved
            </span>
          ) : null}
        </p>
        <p className="truncate text-xs text-slate-300">
          {project.source?.name ?? '?'} → {project.target?.name ?? '?'}
        </p>
      </div>
    </div>
  );
}
