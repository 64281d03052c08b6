'use client';

import type { ColumnInfo } from '@databridge/engine';
import { describedBy, Field, inputClass } from '../../../../_components/ui.tsx';
import type { DefaultKind, TransformDraft } from './transform-draft.ts';

/** What every section of the transformation editor gets: the draft, its errors, setters and the id maker. */
export interface TransformSectionProps {
  readonly draft: TransformDraft;
  readonly errors: Readonly<Record<string, string>>;
  readonly update: (next: TransformDraft) => void;
  readonly set: <K extends keyof TransformDraft>(key: K, value: TransformDraft[K]) => void;
  /** A form-unique element id for `name`. */
  readonly f: (name: string) => string;
}

const VALUE_SOURCES = [
  ['source', 'A source column'],
  ['expression', 'A SQL expression'],
  ['default', 'A constant (the default)'],
] as const;

/** A source column, a SQL expression or a constant. */
export function ValueSourceChoice({ draft, set, f }: TransformSectionProps) {
  return (
    <fieldset>
      <legend className="mb-1 text-sm font-medium text-slate-800">Value comes from</legend>
      <div className="flex flex-wrap gap-4">
        {VALUE_SOURCES.map(([value, label]) => (
          <label key={value} className="flex items-center gap-2 text-sm">
            <input
              type="radio"
              name={f('from')}
              value={value}
              className="h-4 w-4 accent-cyan-600"
              checked={draft.valueFrom === value}
              onChange={() => set('valueFrom', value)}
            />
            {label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** The source column or expression, the default (or constant) and what a value that does not fit does. */
export function ValueFields(
  props: TransformSectionProps & { sourceColumns: readonly ColumnInfo[]; targetType: string },
) {
  const { draft, errors, set, f, targetType } = props;
  return (
    <div className="grid gap-4 md:grid-cols-2">
      {draft.valueFrom === 'source' ? (
        <Field id={f('source')} label="Source column" error={errors.source}>
          <select
            id={f('source')}
            className={inputClass(Boolean(errors.source))}
            value={draft.source}
            aria-invalid={Boolean(errors.source)}
            aria-describedby={describedBy(f('source'), errors.source)}
            onChange={(e) => set('source', e.target.value)}
          >
            <option value="">Choose a column</option>
            {props.sourceColumns.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({c.nativeType})
              </option>
            ))}
            {draft.source && !props.sourceColumns.some((c) => c.name === draft.source) ? (
              <option value={draft.source}>{draft.source}</option>
            ) : null}
          </select>
        </Field>
      ) : null}
      {draft.valueFrom === 'expression' ? (
        <Field
          id={f('expression')}
          label="SQL expression (source dialect)"
          error={errors.expression}
          hint="Evaluated by the source database for each row, e.g. FirstName || ' ' || LastName"
          className="md:col-span-2"
        >
          <textarea
            id={f('expression')}
            rows={2}
            spellCheck={false}
            className={`${inputClass(Boolean(errors.expression))} font-mono`}
            value={draft.expression}
            aria-invalid={Boolean(errors.expression)}
            aria-describedby={describedBy(f('expression'), errors.expression, true)}
            onChange={(e) => set('expression', e.target.value)}
          />
        </Field>
      ) : null}
      <Field
        id={f('default-kind')}
        label={draft.valueFrom === 'default' ? 'Constant value' : 'Default when the value is NULL'}
        error={errors.default ?? (draft.valueFrom === 'default' ? errors.target : undefined)}
      >
        <div className="flex gap-2">
          <select
            id={f('default-kind')}
            className={`${inputClass(Boolean(errors.default))} w-36 shrink-0`}
            value={draft.defaultKind}
            aria-describedby={describedBy(f('default-kind'), errors.default ?? errors.target)}
            onChange={(e) => set('defaultKind', e.target.value as DefaultKind)}
          >
            <option value="none">none</option>
            <option value="text">text</option>
            <option value="number">number</option>
            <option value="true">true</option>
            <option value="false">false</option>
            <option value="null">NULL</option>
          </select>
          {draft.defaultKind === 'text' || draft.defaultKind === 'number' ? (
            <>
              <label htmlFor={f('default-value')} className="sr-only">
                Default value
              </label>
              <input
                id={f('default-value')}
                className={inputClass(Boolean(errors.default))}
                inputMode={draft.defaultKind === 'number' ? 'decimal' : undefined}
                value={draft.defaultValue}
                aria-invalid={Boolean(errors.default)}
                onChange={(e) => set('defaultValue', e.target.value)}
              />
            </>
          ) : null}
        </div>
      </Field>
      <Field
        id={f('on-invalid')}
        label={`Type conversion: a value that does not fit ${targetType}`}
        error={errors.onInvalid}
      >
        <select
          id={f('on-invalid')}
          className={inputClass()}
          value={draft.onInvalid}
          onChange={(e) => set('onInvalid', e.target.value as TransformDraft['onInvalid'])}
        >
          <option value="reject">rejects the row (with its reason)</option>
          <option value="null">becomes NULL</option>
          <option value="truncate">is truncated to fit</option>
          <option value="clamp">is clamped to the range</option>
        </select>
      </Field>
    </div>
  );
}
