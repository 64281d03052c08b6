'use client';

import { useId } from 'react';
import type { SmtpStatus } from '../../../../../lib/client-safe.ts';
import { PageTitle } from '../../../../_components/ui.tsx';
import { DependenciesSection } from './schedule-dependencies.tsx';
import { checkScheduleDraft, scheduleDraftOf } from './schedule-draft.ts';
import { AlertsSection, RetriesSection, TimetableSection, TimeZoneSection } from './schedule-sections.tsx';
import { stepHeading } from './steps.ts';
import { useStepDraft } from './use-step-draft.ts';

/** Step 4: when the project runs, in which time zone, what is retried, who is alerted, what it waits for. */
export function ScheduleForm({ smtp }: { smtp: SmtpStatus }) {
  const id = useId();
  const { draft, errors, set, update } = useStepDraft(
    'schedule',
    (spec) => scheduleDraftOf(spec.schedule),
    checkScheduleDraft,
    (spec, schedule) => ({ ...spec, schedule }),
  );
  const form = { draft, errors, set, update, f: (name: string) => `${id}-${name}` };

  return (
    // As wide as the other steps (same left edge); the form itself keeps a readable width.
    <div className="mx-auto max-w-6xl space-y-8 *:max-w-4xl">
      <PageTitle
        title={stepHeading('schedule')}
        description="When the migration runs by itself, what happens when a run fails, and who hears about it. Saved in the project's spec."
      />
      <TimetableSection {...form} />
      <TimeZoneSection {...form} />
      <RetriesSection {...form} />
      <AlertsSection {...form} smtp={smtp} />
      <DependenciesSection {...form} />
    </div>
  );
}
