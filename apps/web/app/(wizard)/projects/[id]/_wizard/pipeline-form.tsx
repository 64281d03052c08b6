'use client';

import type { MigrationSpec } from '@databridge/engine';
import { useEffect, useId, useState } from 'react';
import { PipelineSettings, peopleError } from '../../../../../lib/client-safe.ts';
import { buttonClass, describedBy, Field, inputClass, PageTitle } from '../../../../_components/ui.tsx';
import { issueSentence } from './field-names.ts';
import { stepHeading } from './steps.ts';
import { useWizard } from './wizard-context.tsx';

type Pipeline = MigrationSpec['pipeline'];
type HookDraft = { uid: number; name: string; sql: string; on: 'target' | 'source' };
type RuleDraft = { uid: number; name: string; sql: string; expect: string; on: 'target' | 'source' };

// Keys for list rows that stay put while rows are added and removed.
let nextUid = 1;
const uid = () => nextUid++;

interface Draft {
  batchSize: string;
  parallelism: string;
  errorPolicy: Pipeline['errorPolicy'];
  logLevel: Pipeline['logLevel'];
  createTables: boolean;
  foreignKeyCheck: Pipeline['foreignKeyCheck'];
  extractArchive: NonNullable<Pipeline['extractArchive']>;
  validation: Pipeline['validation'];
  pre: HookDraft[];
  post: HookDraft[];
  rules: RuleDraft[];
}

const ERROR_POLICIES: { value: Pipeline['errorPolicy']; label: string; hint: string }[] = [
  { value: 'fail_fast', label: 'Fail fast', hint: 'Stop the run at the first rejected row.' },
  {
    value: 'continue',
    label: 'Continue on error',
    hint: 'Load every good row of every table, then fail the run listing what was rejected.',
  },
  {
    value: 'skip_and_log',
    label: 'Skip and log',
    hint: 'Load every good row and succeed; rejected rows go to the rejects file and the report.',
  },
];

const VALIDATIONS: { key: keyof Pipeline['validation']; label: string; hint: string }[] = [
  {
    key: 'rowCount',
    label: 'Compare row counts',
    hint: 'After the load, source rows against target rows per table.',
  },
  {
    key: 'checksum',
    label: 'Compare checksums',
    hint: 'After the load, an order-independent checksum of plain copies.',
  },
  {
    key: 'rows',
    label: 'Check NULLs per row',
    hint: 'Before the load, NULL into NOT NULL is rejected row by row.',
  },
  {
    key: 'types',
    label: 'Check values against types',
    hint: 'Lengths, ranges and dates are checked before they load.',
  },
  {
    key: 'schema',
    label: 'Incompatible types are errors',
    hint: 'At plan time, a column that cannot convert stops the run.',
  },
];

function expectText(value: unknown): string {
  return value === null ? 'null' : String(value);
}

function expectValue(text: string): string | number | boolean | null {
  const t = text.trim();
  if (t === 'null') return null;
  if (t === 'true' || t === 'false') return t === 'true';
  if (t !== '' && !Number.isNaN(Number(t))) return Number(t);
  return text;
}

function draftOf(p: Pipeline): Draft {
  const hook = (h: Pipeline['hooks']['pre'][number]): HookDraft => ({
    uid: uid(),
    name: h.name ?? '',
    sql: h.sql,
    on: h.on,
  });
  return {
    batchSize: String(p.batchSize),
    parallelism: String(p.parallelism),
    errorPolicy: p.errorPolicy,
    logLevel: p.logLevel,
    createTables: p.createTables,
    foreignKeyCheck: p.foreignKeyCheck,
    extractArchive: p.extractArchive ?? 'none',
    validation: p.validation,
    pre: p.hooks.pre.map(hook),
    post: p.hooks.post.map(hook),
    rules: p.rules.map((r) => ({
      uid: uid(),
      name: r.name,
      sql: r.sql,
      expect: expectText(r.expect),
      on: r.on,
    })),
  };
}

function candidate(d: Draft): unknown {
  const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
  const hook = (h: HookDraft) => ({ ...(h.name.trim() ? { name: h.name } : {}), sql: h.sql, on: h.on });
  return {
    batchSize: number(d.batchSize),
    parallelism: number(d.parallelism),
    errorPolicy: d.errorPolicy,
    logLevel: d.logLevel,
    createTables: d.createTables,
    foreignKeyCheck: d.foreignKeyCheck,
    // Unset unless chosen, so that a spec without an archive stays as it was written.
    extractArchive: d.extractArchive === 'none' ? undefined : d.extractArchive,
    validation: d.validation,
    hooks: { pre: d.pre.map(hook), post: d.post.map(hook) },
    rules: d.rules.map((r) => ({ name: r.name, sql: r.sql, expect: expectValue(r.expect), on: r.on })),
  };
}

/** Step 3: batch size, parallelism, error policy, log level, validation, hooks and custom rules. */
export function PipelineForm() {
  const { spec, edit, reportDraft } = useWizard();
  const id = useId();
  // An invalid draft left behind is dropped: the spec keeps its last valid settings.
  useEffect(() => () => reportDraft('pipeline', null), [reportDraft]);
  const [draft, setDraft] = useState<Draft>(() => draftOf(spec.pipeline));
  const [errors, setErrors] = useState<Record<string, string>>({});

  const update = (next: Draft) => {
    setDraft(next);
    // Settings this form does not show (staging, schema, enums, zero dates, stall timeout) stay as the
    // spec has them.
    const parsed = PipelineSettings.safeParse(
      { ...spec.pipeline, ...(candidate(next) as object) },
      { error: peopleError },
    );
    if (parsed.success) {
      setErrors({});
      reportDraft('pipeline', null);
      edit((s) => ({ ...s, pipeline: parsed.data }));
      return;
    }
    const found: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join('.');
      found[key] ??= issueSentence(issue);
    }
    setErrors(found);
    const first = parsed.error.issues[0];
    reportDraft('pipeline', {
      step: 'pipeline',
      severity: 'error',
      message: first ? issueSentence(first) : 'The pipeline settings are not valid.',
    });
  };
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => update({ ...draft, [key]: value });
  const f = (name: string) => `${id}-${name}`;

  return (
    // As wide as the other steps (same left edge); the form itself keeps a readable width.
    <div className="mx-auto max-w-6xl space-y-8 *:max-w-4xl">
      <PageTitle
        title={stepHeading('pipeline')}
        description="How rows move: in committed batches, several tables at once, with the checks and SQL hooks you choose."
      />

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
            onChange={(e) => set('logLevel', e.target.value as Draft['logLevel'])}
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
            onChange={(e) => set('foreignKeyCheck', e.target.value as Draft['foreignKeyCheck'])}
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
            onChange={(e) => set('extractArchive', e.target.value as Draft['extractArchive'])}
          >
            <option value="none">no archive</option>
            <option value="csv_gz">gzip CSV</option>
          </select>
        </Field>
        <div className="flex items-start gap-2 pt-6">
          <input
            id={f('create')}
            type="checkbox"
            className="mt-0.5 h-4 w-4 accent-cyan-600"
            checked={draft.createTables}
            onChange={(e) => set('createTables', e.target.checked)}
            aria-describedby={f('create-hint')}
          />
          <div>
            <label htmlFor={f('create')} className="text-sm font-medium">
              Create missing target tables
            </label>
            <p id={f('create-hint')} className="text-xs text-slate-600">
              From the source schema, with the mapped names and types.
            </p>
          </div>
        </div>
      </section>

      <fieldset className="space-y-2">
        <legend className="mb-2 text-lg font-semibold">When a row cannot be loaded</legend>
        {ERROR_POLICIES.map((policy) => (
          <div key={policy.value} className="flex items-start gap-2">
            <input
              id={f(`policy-${policy.value}`)}
              type="radio"
              name={f('policy')}
              className="mt-0.5 h-4 w-4 accent-cyan-600"
              checked={draft.errorPolicy === policy.value}
              onChange={() => set('errorPolicy', policy.value)}
              aria-describedby={f(`policy-${policy.value}-hint`)}
            />
            <div>
              <label htmlFor={f(`policy-${policy.value}`)} className="text-sm font-medium">
                {policy.label}
              </label>
              <p id={f(`policy-${policy.value}-hint`)} className="text-xs text-slate-600">
                {policy.hint}
              </p>
            </div>
          </div>
        ))}
      </fieldset>

      <fieldset className="grid gap-3 md:grid-cols-2">
        <legend className="mb-2 text-lg font-semibold">Validation</legend>
        {VALIDATIONS.map((v) => (
          <div key={v.key} className="flex items-start gap-2">
            <input
              id={f(`v-${v.key}`)}
              type="checkbox"
              className="mt-0.5 h-4 w-4 accent-cyan-600"
              checked={draft.validation[v.key]}
              onChange={(e) => set('validation', { ...draft.validation, [v.key]: e.target.checked })}
              aria-describedby={f(`v-${v.key}-hint`)}
            />
            <div>
              <label htmlFor={f(`v-${v.key}`)} className="text-sm font-medium">
                {v.label}
              </label>
              <p id={f(`v-${v.key}-hint`)} className="text-xs text-slate-600">
                {v.hint}
              </p>
            </div>
          </div>
        ))}
      </fieldset>

      {(['pre', 'post'] as const).map((when) => (
        <fieldset key={when} className="space-y-3">
          <legend className="mb-1 text-lg font-semibold">
            {when === 'pre' ? 'Before the load: SQL hooks' : 'After the load: SQL hooks'}
          </legend>
          {draft[when].length === 0 ? <p className="text-sm text-slate-600">None.</p> : null}
          {draft[when].map((hook, index) => {
            const key = `hooks.${when}.${index}`;
            const change = (patch: Partial<HookDraft>) =>
              set(
                when,
                draft[when].map((h, i) => (i === index ? { ...h, ...patch } : h)),
              );
            return (
              <div
                key={hook.uid}
                className="grid gap-3 rounded-md border border-slate-200 bg-white p-3 md:grid-cols-4"
              >
                <Field id={f(`${key}-name`)} label="Name (optional)" error={errors[`${key}.name`]}>
                  <input
                    id={f(`${key}-name`)}
                    className={inputClass(Boolean(errors[`${key}.name`]))}
                    value={hook.name}
                    onChange={(e) => change({ name: e.target.value })}
                  />
                </Field>
                <Field id={f(`${key}-on`)} label="Runs on">
                  <select
                    id={f(`${key}-on`)}
                    className={inputClass()}
                    value={hook.on}
                    onChange={(e) => change({ on: e.target.value as HookDraft['on'] })}
                  >
                    <option value="target">target</option>
                    <option value="source">source</option>
                  </select>
                </Field>
                <Field
                  id={f(`${key}-sql`)}
                  label="SQL"
                  error={errors[`${key}.sql`]}
                  className="md:col-span-2"
                >
                  <textarea
                    id={f(`${key}-sql`)}
                    rows={2}
                    spellCheck={false}
                    className={`${inputClass(Boolean(errors[`${key}.sql`]))} font-mono`}
                    value={hook.sql}
                    aria-invalid={Boolean(errors[`${key}.sql`])}
                    aria-describedby={describedBy(f(`${key}-sql`), errors[`${key}.sql`])}
                    onChange={(e) => change({ sql: e.target.value })}
                  />
                </Field>
                <div className="md:col-span-4">
                  <button
                    type="button"
                    className={buttonClass('ghost', 'sm')}
                    onClick={() =>
                      set(
                        when,
                        draft[when].filter((_, i) => i !== index),
                      )
                    }
                  >
                    Remove hook {index + 1}
                  </button>
                </div>
              </div>
            );
          })}
          <button
            type="button"
            className={buttonClass('secondary', 'sm')}
            onClick={() => set(when, [...draft[when], { uid: uid(), name: '', sql: '', on: 'target' }])}
          >
            Add a {when === 'pre' ? 'pre' : 'post'}-migration hook
          </button>
        </fieldset>
      ))}

      <fieldset className="space-y-3">
        <legend className="mb-1 text-lg font-semibold">Custom validation rules</legend>
        <p className="text-sm text-slate-600">
          A query returning one value, run after the load; the run fails naming the rule when the value is not
          the expected one.
        </p>
        {draft.rules.map((rule, index) => {
          const key = `rules.${index}`;
          const change = (patch: Partial<RuleDraft>) =>
            set(
              'rules',
              draft.rules.map((r, i) => (i === index ? { ...r, ...patch } : r)),
            );
          return (
            <div
              key={rule.uid}
              className="grid gap-3 rounded-md border border-slate-200 bg-white p-3 md:grid-cols-4"
            >
              <Field id={f(`${key}-name`)} label="Rule name" error={errors[`${key}.name`]}>
                <input
                  id={f(`${key}-name`)}
                  className={inputClass(Boolean(errors[`${key}.name`]))}
                  value={rule.name}
                  aria-invalid={Boolean(errors[`${key}.name`])}
                  aria-describedby={describedBy(f(`${key}-name`), errors[`${key}.name`])}
                  onChange={(e) => change({ name: e.target.value })}
                />
              </Field>
              <Field id={f(`${key}-expect`)} label="Expected value" error={errors[`${key}.expect`]}>
                <input
                  id={f(`${key}-expect`)}
                  className={inputClass(Boolean(errors[`${key}.expect`]))}
                  value={rule.expect}
                  onChange={(e) => change({ expect: e.target.value })}
                />
              </Field>
              <Field id={f(`${key}-on`)} label="Runs on">
                <select
                  id={f(`${key}-on`)}
                  className={inputClass()}
                  value={rule.on}
                  onChange={(e) => change({ on: e.target.value as RuleDraft['on'] })}
                >
                  <option value="target">target</option>
                  <option value="source">source</option>
                </select>
              </Field>
              <div className="flex items-end">
                <button
                  type="button"
                  className={buttonClass('ghost', 'sm')}
                  onClick={() =>
                    set(
                      'rules',
                      draft.rules.filter((_, i) => i !== index),
                    )
                  }
                >
                  Remove rule {index + 1}
                </button>
              </div>
              <Field
                id={f(`${key}-sql`)}
                label="Query"
                error={errors[`${key}.sql`]}
                className="md:col-span-4"
              >
                <textarea
                  id={f(`${key}-sql`)}
                  rows={2}
                  spellCheck={false}
                  className={`${inputClass(Boolean(errors[`${key}.sql`]))} font-mono`}
                  placeholder="SELECT count(*) FROM invoice WHERE total < 0"
                  value={rule.sql}
                  aria-invalid={Boolean(errors[`${key}.sql`])}
                  aria-describedby={describedBy(f(`${key}-sql`), errors[`${key}.sql`])}
                  onChange={(e) => change({ sql: e.target.value })}
                />
              </Field>
            </div>
          );
        })}
        <button
          type="button"
          className={buttonClass('secondary', 'sm')}
          onClick={() =>
            set('rules', [...draft.rules, { uid: uid(), name: '', sql: '', expect: '0', on: 'target' }])
          }
        >
          Add a validation rule
        </button>
      </fieldset>
    </div>
  );
}
