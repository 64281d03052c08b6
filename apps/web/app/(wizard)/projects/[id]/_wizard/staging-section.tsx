'use client';

import { NumberField, SelectField } from '../../../../_components/form-fields.tsx';
import { Notice } from '../../../../_components/ui.tsx';
import {
  KEEP_STAGING,
  type KeepStagingDraft,
  keepStagingError,
  type PipelineDraft,
} from './pipeline-draft.ts';
import type { PipelineSectionProps } from './pipeline-sections.tsx';

const STAGING_MODES: readonly { value: PipelineDraft['staging']; label: string }[] = [
  { value: 'direct', label: 'direct: source to target' },
  { value: 'database', label: 'through the staging database' },
];

/**
 * `pipeline.staging` and `keepStaging`: offered only when the server has a staging database
 * (STAGING_DATABASE_URL; the page learns a yes or no, never the URL). Without one, a spec that asks
 * for staging gets a warning instead, since its runs would stop at the plan.
 */
export function StagingSection({
  draft,
  errors,
  set,
  f,
  stagingConfigured,
}: PipelineSectionProps & { readonly stagingConfigured: boolean }) {
  if (!stagingConfigured) {
    return draft.staging === 'database' ? (
      <Notice tone="warning">
        This project stages its runs (pipeline.staging: database), but this server has no staging database:
        its runs stop at the plan until STAGING_DATABASE_URL is set.
      </Notice>
    ) : null;
  }
  const keep = draft.keepStaging;
  const setKeep = (patch: Partial<KeepStagingDraft>) => set('keepStaging', { ...keep, ...patch });
  const keepError = keepStagingError(errors);
  return (
    <section aria-labelledby={f('staging')} className="grid gap-4 md:grid-cols-2">
      <h2 id={f('staging')} className="text-lg font-semibold md:col-span-2">
        Staging
      </h2>
      <SelectField
        id={f('staging-mode')}
        label="Extract through staging"
        hint="Through the staging database: one source snapshot, cleansed in SQL, loads and retries that never read the source again."
        value={draft.staging}
        options={STAGING_MODES}
        onChange={(v) => set('staging', v)}
      />
      {draft.staging === 'database' ? (
        <div className="grid grid-cols-[1fr_7rem] gap-2">
          <SelectField
            id={f('keep-staging')}
            label="A completed run's staged rows"
            hint="Failed and paused runs keep theirs for a retry, up to the server's limit (7 days unless set)."
            value={keep.kind}
            options={KEEP_STAGING}
            onChange={(kind) => setKeep({ kind })}
          />
          {keep.kind === 'report' ? null : (
            <NumberField
              id={f('keep-amount')}
              label={keep.kind === 'hours' ? 'Hours' : 'Runs'}
              error={keepError}
              min={1}
              max={keep.kind === 'hours' ? 8760 : 100}
              value={keep.amount}
              onChange={(amount) => setKeep({ amount })}
            />
          )}
        </div>
      ) : null}
    </section>
  );
}
