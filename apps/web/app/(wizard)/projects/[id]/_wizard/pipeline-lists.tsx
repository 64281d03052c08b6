'use client';

import { buttonClass, describedBy, Field, inputClass } from '../../../../_components/ui.tsx';
import { type HookDraft, newHook, newRule, patchRow, type RuleDraft, withoutRow } from './pipeline-draft.ts';
import type { PipelineSectionProps } from './pipeline-sections.tsx';

/** The SQL hooks run before (`pre`) or after (`post`) the load, one editable row each. */
export function HookList({ draft, errors, set, f, when }: PipelineSectionProps & { when: 'pre' | 'post' }) {
  const hooks = draft[when];
  return (
    <fieldset className="space-y-3">
      <legend className="mb-1 text-lg font-semibold">
        {when === 'pre' ? 'Before the load: SQL hooks' : 'After the load: SQL hooks'}
      </legend>
      {hooks.length === 0 ? <p className="text-sm text-slate-600">None.</p> : null}
      {hooks.map((hook, index) => {
        const key = `hooks.${when}.${index}`;
        const change = (patch: Partial<HookDraft>) => set(when, patchRow(hooks, index, patch));
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
            <RunsOn id={f(`${key}-on`)} value={hook.on} onChange={(on) => change({ on })} />
            <Field id={f(`${key}-sql`)} label="SQL" error={errors[`${key}.sql`]} className="md:col-span-2">
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
                onClick={() => set(when, withoutRow(hooks, index))}
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
        onClick={() => set(when, [...hooks, newHook()])}
      >
        Add a {when === 'pre' ? 'pre' : 'post'}-migration hook
      </button>
    </fieldset>
  );
}

/** Custom validation rules: a query, the value it must return, and where it runs. */
export function RuleList({ draft, errors, set, f }: PipelineSectionProps) {
  return (
    <fieldset className="space-y-3">
      <legend className="mb-1 text-lg font-semibold">Custom validation rules</legend>
      <p className="text-sm text-slate-600">
        A query returning one value, run after the load; the run fails naming the rule when the value is not
        the expected one.
      </p>
      {draft.rules.map((rule, index) => {
        const key = `rules.${index}`;
        const change = (patch: Partial<RuleDraft>) => set('rules', patchRow(draft.rules, index, patch));
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
            <RunsOn id={f(`${key}-on`)} value={rule.on} onChange={(on) => change({ on })} />
            <div className="flex items-end">
              <button
                type="button"
                className={buttonClass('ghost', 'sm')}
                onClick={() => set('rules', withoutRow(draft.rules, index))}
              >
                Remove rule {index + 1}
              </button>
            </div>
            <Field id={f(`${key}-sql`)} label="Query" error={errors[`${key}.sql`]} className="md:col-span-4">
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
        onClick={() => set('rules', [...draft.rules, newRule()])}
      >
        Add a validation rule
      </button>
    </fieldset>
  );
}

/** Which connection a hook or rule runs on. */
function RunsOn(props: {
  id: string;
  value: 'target' | 'source';
  onChange: (on: 'target' | 'source') => void;
}) {
  return (
    <Field id={props.id} label="Runs on">
      <select
        id={props.id}
        className={inputClass()}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as 'target' | 'source')}
      >
        <option value="target">target</option>
        <option value="source">source</option>
      </select>
    </Field>
  );
}
