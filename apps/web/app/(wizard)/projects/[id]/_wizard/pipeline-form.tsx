'use client';

import { useId } from 'react';
import { PageTitle } from '../../../../_components/ui.tsx';
import { checkPipelineDraft, pipelineDraftOf } from './pipeline-draft.ts';
import { HookList, RuleList } from './pipeline-lists.tsx';
import { ErrorPolicyChoice, ThroughputSection, ValidationChoice } from './pipeline-sections.tsx';
import { StagingSection } from './staging-section.tsx';
import { stepHeading } from './steps.ts';
import { useStepDraft } from './use-step-draft.ts';

/**
 * Step 3: batch size, parallelism, error policy, log level, staging (when the server has a staging
 * database: `stagingConfigured`), validation, hooks and custom rules.
 */
export function PipelineForm({ stagingConfigured }: { readonly stagingConfigured: boolean }) {
  const id = useId();
  const { draft, errors, set } = useStepDraft(
    'pipeline',
    (spec) => pipelineDraftOf(spec.pipeline),
    checkPipelineDraft,
    (spec, pipeline) => ({ ...spec, pipeline }),
  );
  const form = { draft, errors, set, f: (name: string) => `${id}-${name}` };

  return (
    // As wide as the other steps (same left edge); the form itself keeps a readable width.
    <div className="mx-auto max-w-6xl space-y-8 *:max-w-4xl">
      <PageTitle
        title={stepHeading('pipeline')}
        description="How rows move: in committed batches, several tables at once, with the checks and SQL hooks you choose."
      />
      <ThroughputSection {...form} />
      <StagingSection {...form} stagingConfigured={stagingConfigured} />
      <ErrorPolicyChoice {...form} />
      <ValidationChoice {...form} />
      <HookList {...form} when="pre" />
      <HookList {...form} when="post" />
      <RuleList {...form} />
    </div>
  );
}
