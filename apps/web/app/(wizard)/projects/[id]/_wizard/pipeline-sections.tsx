'use client';

import { describedBy, Field, inputClass } from '../../../../_components/ui.tsx';
import { CheckOption } from './check-option.tsx';
import { ERROR_POLICIES, type PipelineDraft, VALIDATIONS } from './pipeline-draft.ts';

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
      <Field
        id={f('batch')}
        label="Batch size (rows)"
        error={errors.batchSize}
        hint="100 to 10,000. Each batch commits with its checkpoint."
      >
        <input
          id={f('batch')}
          type="number"
          min={100}
          max={10000}
          step={100}
          className={inputClass(Boolean(errors.batchSize))}
          value={draft.batchSize}
          aria-invalid={Boolean(errors.batchSize)}
          aria-describedby={describedBy(f('batch'), errors.batchSize, true)}
          onChange={(e) => set('batchSize', e.target.value)}
        />
      </Field>
      <Field
        id={f('parallelism')}
        label="Parallelism (tasks at once)"
        error={errors.parallelism}
        hint="1 to 16. Large tables split into this many key ranges."
      >
        <input
          id={f('parallelism')}
          type="number"
          min={1}
          max={16}
          className={inputClass(Boolean(errors.parallelism))}
          value={draft.parallelism}
          aria-invalid={Boolean(errors.parallelism)}
          aria-describedby={describedBy(f('parallelism'), errors.parallelism, true)}
          onChange={(e) => set('parallelism', e.target.value)}
        />
      </Field>
      <Field id={f('log')} label="Log level">
        <select
          id={f('log')}
          className={inputClass()}
          value={draft.logLevel}
          onChange={(e) => set('logLevel', e.target.value as PipelineDraft['logLevel'])}
        >
          <option value="debug">debug</option>
          <option value="info">info</option>
          <option value="warning">warning</option>
          <option value="error">error</option>
        </select>
      </Field>
      <Field
        id={f('fk')}
        label="Foreign keys of empty target tables"
        hint="After the load: dropped while loading, added back and checked in one pass (PostgreSQL)."
      >
        <select
          id={f('fk')}
          className={inputClass()}
          value={draft.foreignKeyCheck}
          aria-describedby={describedBy(f('fk'), undefined, true)}
          onChange={(e) => set('foreignKeyCheck', e.target.value as PipelineDraft['foreignKeyCheck'])}
        >
          <option value="after_load">checked once after the load</option>
          <option value="per_row">checked row by row</option>
        </select>
      </Field>
      <Field
        id={f('archive')}
        label="Archive extracted rows"
        hint="Every row each table reads, kept as gzip CSV with the execution's artefacts (row counts and checksums in a manifest), for audit and replay."
      >
        <select
          id={f('archive')}
          className={inputClass()}
          value={draft.extractArchive}
          aria-describedby={describedBy(f('archive'), undefined, true)}
          onChange={(e) => set('extractArchive', e.target.value as PipelineDraft['extractArchive'])}
        >
          <option value="none">no archive</option>
          <option value="csv_gz">gzip CSV</option>
        </select>
      </Field>
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
