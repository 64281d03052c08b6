'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { STEPS, type StepState, stepIndex } from './steps.ts';
import { useWizard } from './wizard-context.tsx';

const STATE_LABEL: Record<StepState, string> = {
  complete: 'complete',
  error: 'needs attention',
  todo: 'to do',
};

function StateMark({ state, number, current }: { state: StepState; number: number; current: boolean }) {
  const look =
    state === 'complete'
      ? 'bg-accent text-ink border-accent'
      : state === 'error'
        ? 'bg-red-600 text-white border-red-600'
        : current
          ? 'bg-brand text-ink border-brand'
          : 'bg-white text-slate-600 border-slate-300';
  return (
    <span
      aria-hidden="true"
      className={`grid h-7 w-7 shrink-0 place-items-center rounded-full border-2 text-xs font-bold ${look}`}
    >
      {state === 'complete' ? '✓' : state === 'error' ? '!' : number}
    </span>
  );
}

/** The wizard's steps with their state; the current one is marked for screen readers too. */
export function WizardSteps() {
  const pathname = usePathname();
  const { project, states, issues } = useWizard();
  const current = stepIndex(pathname);
  return (
    <div className="p-3">
      <Link href="/projects" className="mb-3 block rounded px-2 py-1 text-sm text-cyan-800 hover:underline">
        ← All projects
      </Link>
      {/* `relative`: the screen-reader-only state of each step (absolutely positioned) stays inside
          this strip; without it, it stretched a narrow page sideways. */}
      <ol className="relative flex gap-1 overflow-x-auto md:flex-col">
        {STEPS.map((step, index) => {
          const state = states[step.slug];
          const isCurrent = index === current;
          const errors = issues.filter((i) => i.step === step.slug && i.severity === 'error').length;
          return (
            <li key={step.slug} className="shrink-0">
              <Link
                href={`/projects/${project.id}/${step.slug}`}
                aria-current={isCurrent ? 'step' : undefined}
                className={`flex items-start gap-3 rounded-md border-l-4 px-2 py-2 text-sm ${
                  isCurrent
                    ? 'border-brand bg-brand-soft font-semibold'
                    : 'border-transparent hover:bg-slate-100'
                }`}
              >
                <StateMark state={state} number={index + 1} current={isCurrent} />
                <span className="min-w-0">
                  <span className="block">
                    {step.title}
                    <span className="sr-only">, {STATE_LABEL[state]}</span>
                  </span>
                  <span className="hidden text-xs font-normal text-slate-500 md:block">
                    {errors > 0 ? `${errors} problem${errors > 1 ? 's' : ''} to fix` : step.description}
                  </span>
                </span>
              </Link>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
