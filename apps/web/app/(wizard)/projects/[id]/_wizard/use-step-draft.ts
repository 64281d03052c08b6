'use client';

import type { MigrationSpec } from '@databridge/engine';
import { useEffect, useState } from 'react';
import type { DraftCheck } from './draft-check.ts';
import type { StepSlug } from './steps.ts';
import { useWizard } from './wizard-context.tsx';

/**
 * A step's form state: the draft as typed, its field errors, and `set` which re-checks the draft on
 * every change. A valid draft goes into the spec at once; an invalid one is reported so it blocks
 * Save and Next, and is dropped when the step is left (the spec keeps its last valid settings).
 */
export function useStepDraft<Draft, Value>(
  step: StepSlug,
  initial: (spec: MigrationSpec) => Draft,
  check: (draft: Draft) => DraftCheck<Value>,
  apply: (spec: MigrationSpec, value: Value) => MigrationSpec,
) {
  const { spec, edit, reportDraft } = useWizard();
  useEffect(() => () => reportDraft(step, null), [reportDraft, step]);
  const [draft, setDraft] = useState<Draft>(() => initial(spec));
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});

  const update = (next: Draft) => {
    setDraft(next);
    const verdict = check(next);
    if (verdict.ok) {
      setErrors({});
      reportDraft(step, null);
      edit((s) => apply(s, verdict.value));
      return;
    }
    setErrors(verdict.errors);
    reportDraft(step, { step, severity: 'error', message: verdict.message });
  };
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => update({ ...draft, [key]: value });
  return { draft, errors, update, set };
}
