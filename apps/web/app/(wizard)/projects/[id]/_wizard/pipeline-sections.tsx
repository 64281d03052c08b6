'use client';

import { NumberField, SelectField } from '../../../../_components/form-fields.tsx';
import { CheckOption } from './check-option.tsx';
import { ERROR_POLICIES, type PipelineDraft, VALIDATIONS } from './pipeline-draft.ts';

const LOG_LEVELS: readonly { value: PipelineDraft['logLevel']; label: string }[] = [
  { value: 'debug', label: 'debug' },
  { value: 'info', label: 'info' },
  { value: 'warning', label: 'warning' },
  { value: 'error', label: 'error' },
];

const FOREIGN_KEY_CHECKS: readonly { value: PipelineDraft['foreignKeyCheck']; label: string }[] = [
  { value: 'after_load', label: 'checked once after the load' },
  { value: 'per_row', label: 'checked row by row' },
];

const EXTRACT_ARCHIVES: readonly { value: PipelineDraft['extractArchive']; label: string }[] = [
  { value: 'none', label: 'no archive' },
  { value: 'csv_gz', label: 'gzip CSV' },
];

/** What every section of the pipeline step gets: the draft, its errors, a setter and the id maker. */
export interface PipelineSectionProps {
  readonly draft: PipelineDraft;
  readonly errors: Readonly<Record<string, string>>;
  readonly set: <K extends keyof PipelineDraft>(key: K, value: PipelineDraft[K]) => void;
  /** A form-unique element id for `name`. */
  readonly f: (name: string) => string;
}

/** Batch size, parallelism, log level, foreign-key checks and table creation. */
export function ThroughputSection({ draft, errors, set, f }: PipelineSectionProps) {
  return (
    <section aria-labelledby={f('throughput')} className="grid gap-4 md:grid-cols-2">
      <h2 id={f('throughput')} className="text-lg font-semibold md:col-span-2">
        Throughput
      </h2>
      <NumberField
        id={f('batch')}
        label="Batch size (rows)"
        error={errors.batchSize}
        hint="100 to 10,000. Each batch commits with its checkpoint."
        min={100}
        max={10000}
        step={100}
        value={draft.batchSize}
        onChange={(v) => set('batchSize', v)}
      />
      <NumberField
        id={f('parallelism')}
        label="Parallelism (tasks at once)"
        error={errors.parallelism}
        hint="1 to 16. Large tables split into this many key ranges."
        min={1}
        max={16}
        value={draft.parallelism}
        onChange={(v) => set('parallelism', v)}
      />
      <SelectField
        id={f('log')}
        label="Log level"
        value={draft.logLevel}
        options={LOG_LEVELS}
        onChange={(v) => set('logLevel', v)}
      />
      <SelectField
        id={f('fk')}
        label="Foreign keys of empty target tables"
        hint="After the load: dropped while loading, added back and checked in one pass (PostgreSQL)."
        value={draft.foreignKeyCheck}
        options={FOREIGN_KEY_CHECKS}
        onChange={(v) => set('foreignKeyCheck', v)}
      />
      <SelectField
        id={f('archive')}
        label="Archive extracted rows"
        hint="Every row each table reads, kept as gzip CSV with the execution's artefacts (row counts and checksums in a manifest), for audit and replay."
        value={draft.extractArchive}
        options={EXTRACT_ARCHIVES}
        onChange={(v) => set('extractArchive', v)}
      />
      <CheckOption
        id={f('create')}
        className="flex items-start gap-2 pt-6"
        label="Create missing target tables"
        hint="From the source schema, with the mapped names and types."
        checked={draft.createTables}
        onChange={(checked) => set('createTables', checked)}
      />
    </section>
  );
}

/** Fail fast, continue, or skip and log: what a rejected row does to the run. */
export function ErrorPolicyChoice({ draft, set, f }: PipelineSectionProps) {
  return (
    <fieldset className="space-y-2">
      <legend className="mb-2 text-lg font-semibold">When a row cannot be loaded</legend>
      {ERROR_POLICIES.map((policy) => (
        <CheckOption
          key={policy.value}
          id={f(`policy-${policy.value}`)}
          type="radio"
          name={f('policy')}
          label={policy.label}
          hint={policy.hint}
          checked={draft.errorPolicy === policy.value}
          onChange={() => set('errorPolicy', policy.value)}
        />
      ))}
    </fieldset>
  );
}

/** The built-in checks, before and after the load. */
export function ValidationChoice({ draft, set, f }: PipelineSectionProps) {
  return (
    <fieldset className="grid gap-3 md:grid-cols-2">
      <legend className="mb-2 text-lg font-semibold">Validation</legend>
      {VALIDATIONS.map((v) => (
        <CheckOption
          key={v.key}
          id={f(`v-${v.key}`)}
          label={v.label}
          hint={v.hint}
          checked={draft.validation[v.key]}
          onChange={(checked) => set('validation', { ...draft.validation, [v.key]: checked })}
        />
      ))}
    </fieldset>
  );
}
