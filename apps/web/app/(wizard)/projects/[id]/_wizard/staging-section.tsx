'use client';

import { describedBy, Field, inputClass, Notice } from '../../../../_components/ui.tsx';
import {
  KEEP_STAGING,
  type KeepStagingDraft,
  keepStagingError,
  type PipelineDraft,
} from './pipeline-draft.ts';
import type { PipelineSectionProps } from './pipeline-sections.tsx';

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
      <Field
        id={f('staging-mode')}
        label="Extract through staging"
        hint="Through the staging database: one source snapshot, cleansed in SQL, loads and retries that never read the source again."
      >
        <select
          id={f('staging-mode')}
          className={inputClass()}
          value={draft.staging}
          aria-describedby={describedBy(f('staging-mode'), undefined, true)}
          onChange={(e) => set('staging', e.target.value as PipelineDraft['staging'])}
        >
          <option value="direct">direct: source to target</option>
          <option value="database">through the staging database</option>
        </select>
      </Field>
      {draft.staging === 'database' ? (
        <div className="grid grid-cols-[1fr_7rem] gap-2">
          <Field
            id={f('keep-staging')}
            label="A completed run's staged rows"
            hint="Failed and paused runs keep theirs for a retry, up to the server's limit (7 days unless set)."
          >
            <select
              id={f('keep-staging')}
              className={inputClass()}
              value={keep.kind}
              aria-describedby={describedBy(f('keep-staging'), undefined, true)}
              onChange={(e) => setKeep({ kind: e.target.value as KeepStagingDraft['kind'] })}
            >
              {KEEP_STAGING.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </select>
          </Field>
          {keep.kind === 'report' ? null : (
            <Field id={f('keep-amount')} label={keep.kind === 'hours' ? 'Hours' : 'Runs'} error={keepError}>
              <input
                id={f('keep-amount')}
                type="number"
                min={1}
                max={keep.kind === 'hours' ? 8760 : 100}
                className={inputClass(Boolean(keepError))}
                value={keep.amount}
                aria-invalid={Boolean(keepError)}
                aria-describedby={describedBy(f('keep-amount'), keepError, false)}
                onChange={(e) => setKeep({ amount: e.target.value })}
              />
            </Field>
          )}
        </div>
      ) : null}
    </section>
  );
}
