'use client';

import type { ColumnInfo, StringOperation } from '@databridge/engine';
import { useEffect, useId, useState } from 'react';
import { ColumnMapping, type ColumnMappingValue, peopleError } from '../../../../../lib/client-safe.ts';
import { buttonClass, describedBy, Field, inputClass } from '../../../../_components/ui.tsx';
import { issueSentence } from './field-names.ts';
import { sqlExpressionIssue } from './validation.ts';
import { useWizard } from './wizard-context.tsx';

type ValueFrom = 'source' | 'expression' | 'default';
type DefaultKind = 'none' | 'text' | 'number' | 'true' | 'false' | 'null';
type OpKind =
  | 'trim'
  | 'upper'
  | 'lower'
  | 'substring'
  | 'replace'
  | 'padLeft'
  | 'padRight'
  | 'prefix'
  | 'suffix';

/** A string operation as the form holds it: every parameter as typed. */
interface OpDraft {
  kind: OpKind;
  a: string;
  b: string;
}

interface Draft {
  valueFrom: ValueFrom;
  source: string;
  expression: string;
  defaultKind: DefaultKind;
  defaultValue: string;
  ops: OpDraft[];
  onInvalid: ColumnMappingValue['onInvalid'];
}

const OP_LABELS: Record<OpKind, string> = {
  trim: 'Trim spaces',
  upper: 'Upper case',
  lower: 'Lower case',
  substring: 'Substring',
  replace: 'Replace text',
  padLeft: 'Pad left',
  padRight: 'Pad right',
  prefix: 'Add prefix',
  suffix: 'Add suffix',
};

function opDraft(op: StringOperation): OpDraft {
  if (typeof op === 'string') return { kind: op, a: '', b: '' };
  if ('substring' in op)
    return { kind: 'substring', a: String(op.substring.start), b: op.substring.length?.toString() ?? '' };
  if ('replace' in op) return { kind: 'replace', a: op.replace.from, b: op.replace.to };
  if ('padLeft' in op) return { kind: 'padLeft', a: String(op.padLeft.length), b: op.padLeft.with };
  if ('padRight' in op) return { kind: 'padRight', a: String(op.padRight.length), b: op.padRight.with };
  if ('prefix' in op) return { kind: 'prefix', a: op.prefix, b: '' };
  return { kind: 'suffix', a: op.suffix, b: '' };
}

/** A number as typed; blank or not a number stays NaN so that the schema names the field. */
function num(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

function opValue(op: OpDraft): unknown {
  switch (op.kind) {
    case 'trim':
    case 'upper':
    case 'lower':
      return op.kind;
    case 'substring':
      return { substring: { start: num(op.a), ...(op.b.trim() ? { length: num(op.b) } : {}) } };
    case 'replace':
      return { replace: { from: op.a, to: op.b } };
    case 'padLeft':
      return { padLeft: { length: num(op.a), with: op.b || ' ' } };
    case 'padRight':
      return { padRight: { length: num(op.a), with: op.b || ' ' } };
    case 'prefix':
      return { prefix: op.a };
    case 'suffix':
      return { suffix: op.a };
  }
}

function draftOf(column: ColumnMappingValue): Draft {
  const d = column.default;
  return {
    valueFrom:
      column.expression !== undefined ? 'expression' : column.source !== undefined ? 'source' : 'default',
    source: column.source ?? '',
    expression: column.expression ?? '',
    defaultKind:
      d === undefined
        ? 'none'
        : d === null
          ? 'null'
          : typeof d === 'boolean'
            ? d
              ? 'true'
              : 'false'
            : typeof d === 'number'
              ? 'number'
              : 'text',
    defaultValue: typeof d === 'string' || typeof d === 'number' ? String(d) : '',
    ops: column.transform.map(opDraft),
    onInvalid: column.onInvalid,
  };
}

function candidate(target: string, draft: Draft): Record<string, unknown> {
  const value: Record<string, unknown> = {
    target,
    transform: draft.ops.map(opValue),
    onInvalid: draft.onInvalid,
  };
  if (draft.valueFrom === 'source') value.source = draft.source;
  if (draft.valueFrom === 'expression') value.expression = draft.expression;
  switch (draft.defaultKind) {
    case 'text':
      value.default = draft.defaultValue;
      break;
    case 'number':
      value.default = num(draft.defaultValue);
      break;
    case 'true':
      value.default = true;
      break;
    case 'false':
      value.default = false;
      break;
    case 'null':
      value.default = null;
      break;
    case 'none':
      break;
  }
  return value;
}

/** Validates a draft the way the API will: the spec's ColumnMapping schema plus an expression check. */
function validate(
  target: string,
  draft: Draft,
): { value?: ColumnMappingValue; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (draft.valueFrom === 'expression') {
    const problem = sqlExpressionIssue(draft.expression);
    if (problem) errors.expression = problem;
  }
  if (draft.valueFrom === 'source' && !draft.source) errors.source = 'choose a source column';
  if (draft.defaultKind === 'number' && Number.isNaN(num(draft.defaultValue)))
    errors.default = 'must be a number';
  const parsed = ColumnMapping.safeParse(candidate(target, draft), { error: peopleError });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [first, index] = issue.path;
      const key =
        first === 'transform' && typeof index === 'number' ? `transform.${index}` : String(first ?? 'form');
      errors[key] ??= issueSentence(issue);
    }
  }
  // A value the spec schema accepts is applied even with an expression problem: the step's checks show
  // that one, and it blocks a run. Anything else stays a draft.
  return parsed.success ? { value: parsed.data, errors } : { errors };
}

/**
 * The transformation of one target column: where its value comes from (a source column, a SQL
 * expression or a constant), string operations, a default for NULLs and what to do with a value the
 * target type cannot take. Checked as you type; each valid state is applied to the spec at once.
 */
export function TransformEditor(props: {
  /** Which table mapping the column belongs to (for the draft's key). */
  mappingKey: string;
  column: ColumnMappingValue;
  sourceColumns: readonly ColumnInfo[];
  targetColumn: ColumnInfo | undefined;
  onChange: (column: ColumnMappingValue) => void;
  onExclude: () => void;
  onClose: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(props.column));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [newOp, setNewOp] = useState<OpKind>('trim');
  const { reportDraft } = useWizard();
  const draftKey = `column:${props.mappingKey}:${props.column.target}`;
  useEffect(() => () => reportDraft(draftKey, null), [reportDraft, draftKey]);

  const update = (next: Draft) => {
    setDraft(next);
    const result = validate(props.column.target, next);
    setErrors(result.errors);
    if (result.value) {
      props.onChange(result.value);
      reportDraft(draftKey, null);
    } else {
      const message = Object.values(result.errors)[0] ?? 'This value is not valid.';
      reportDraft(draftKey, {
        step: 'columns',
        severity: 'error',
        message: `${props.column.target}: ${message}`,
      });
    }
  };
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => update({ ...draft, [key]: value });
  const setOp = (index: number, change: Partial<OpDraft>) =>
    update({ ...draft, ops: draft.ops.map((op, i) => (i === index ? { ...op, ...change } : op)) });
  const f = (name: string) => `${id}-${name}`;
  const targetType = props.targetColumn
    ? `${props.targetColumn.nativeType}${props.targetColumn.nullable ? '' : ', NOT NULL'}`
    : 'a new column';

  return (
    <div className="space-y-4 rounded-md border border-brand bg-brand-soft/40 p-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-semibold">
          Transformation of <span className="font-mono">{props.column.target}</span>{' '}
          <span className="text-sm font-normal text-slate-600">({targetType})</span>
        </h3>
        <div className="flex gap-2">
          <button type="button" className={buttonClass('danger', 'sm')} onClick={props.onExclude}>
            Exclude this column
          </button>
          <button type="button" className={buttonClass('secondary', 'sm')} onClick={props.onClose}>
            Done
          </button>
        </div>
      </div>

      <fieldset>
        <legend className="mb-1 text-sm font-medium text-slate-800">Value comes from</legend>
        <div className="flex flex-wrap gap-4">
          {(
            [
              ['source', 'A source column'],
              ['expression', 'A SQL expression'],
              ['default', 'A constant (the default)'],
            ] as const
          ).map(([value, label]) => (
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
            onChange={(e) => set('onInvalid', e.target.value as Draft['onInvalid'])}
          >
            <option value="reject">rejects the row (with its reason)</option>
            <option value="null">becomes NULL</option>
            <option value="truncate">is truncated to fit</option>
            <option value="clamp">is clamped to the range</option>
          </select>
        </Field>
      </div>

      <fieldset>
        <legend className="mb-1 text-sm font-medium text-slate-800">String operations, in order</legend>
        {draft.ops.length === 0 ? <p className="text-sm text-slate-600">None.</p> : null}
        <ol className="space-y-2">
          {draft.ops.map((op, index) => {
            const error = errors[`transform.${index}`];
            const opId = f(`op-${index}`);
            const two =
              op.kind === 'substring' ||
              op.kind === 'replace' ||
              op.kind === 'padLeft' ||
              op.kind === 'padRight';
            const one = two || op.kind === 'prefix' || op.kind === 'suffix';
            const labels: Record<OpKind, [string, string]> = {
              trim: ['', ''],
              upper: ['', ''],
              lower: ['', ''],
              substring: ['Start (1 = first character)', 'Length (blank = to the end)'],
              replace: ['Find', 'Replace with'],
              padLeft: ['Length', 'Pad character'],
              padRight: ['Length', 'Pad character'],
              prefix: ['Prefix', ''],
              suffix: ['Suffix', ''],
            };
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: operations are positional and may repeat
              <li key={index} className="rounded border border-slate-200 bg-white p-2">
                <div className="flex flex-wrap items-end gap-2">
                  <span className="pb-2 text-sm font-semibold">
                    {index + 1}. {OP_LABELS[op.kind]}
                  </span>
                  {one ? (
                    <div>
                      <label htmlFor={`${opId}-a`} className="block text-xs text-slate-700">
                        {labels[op.kind][0]}
                      </label>
                      <input
                        id={`${opId}-a`}
                        className={`${inputClass(Boolean(error))} w-40 py-1`}
                        value={op.a}
                        aria-invalid={Boolean(error)}
                        aria-describedby={error ? `${opId}-error` : undefined}
                        onChange={(e) => setOp(index, { a: e.target.value })}
                      />
                    </div>
                  ) : null}
                  {two ? (
                    <div>
                      <label htmlFor={`${opId}-b`} className="block text-xs text-slate-700">
                        {labels[op.kind][1]}
                      </label>
                      <input
                        id={`${opId}-b`}
                        className={`${inputClass(Boolean(error))} w-40 py-1`}
                        value={op.b}
                        aria-invalid={Boolean(error)}
                        aria-describedby={error ? `${opId}-error` : undefined}
                        onChange={(e) => setOp(index, { b: e.target.value })}
                      />
                    </div>
                  ) : null}
                  <div className="ml-auto flex gap-1">
                    <button
                      type="button"
                      className={buttonClass('ghost', 'sm')}
                      disabled={index === 0}
                      onClick={() => {
                        const ops = [...draft.ops];
                        [ops[index - 1], ops[index]] = [ops[index]!, ops[index - 1]!];
                        update({ ...draft, ops });
                      }}
                    >
                      Move up<span className="sr-only"> {OP_LABELS[op.kind]}</span>
                    </button>
                    <button
                      type="button"
                      className={buttonClass('ghost', 'sm')}
                      onClick={() => update({ ...draft, ops: draft.ops.filter((_, i) => i !== index) })}
                    >
                      Remove<span className="sr-only"> {OP_LABELS[op.kind]}</span>
                    </button>
                  </div>
                </div>
                {error ? (
                  <p id={`${opId}-error`} role="alert" className="mt-1 text-xs font-medium text-red-700">
                    {error}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ol>
        <div className="mt-2 flex items-end gap-2">
          <div>
            <label htmlFor={f('new-op')} className="block text-xs text-slate-700">
              Add an operation
            </label>
            <select
              id={f('new-op')}
              className={`${inputClass()} py-1`}
              value={newOp}
              onChange={(e) => setNewOp(e.target.value as OpKind)}
            >
              {(Object.keys(OP_LABELS) as OpKind[]).map((kind) => (
                <option key={kind} value={kind}>
                  {OP_LABELS[kind]}
                </option>
              ))}
            </select>
          </div>
          <button
            type="button"
            className={buttonClass('secondary', 'sm')}
            onClick={() =>
              update({
                ...draft,
                ops: [
                  ...draft.ops,
                  {
                    kind: newOp,
                    a: newOp === 'substring' ? '1' : newOp === 'padLeft' || newOp === 'padRight' ? '10' : '',
                    b: newOp === 'padLeft' ? '0' : '',
                  },
                ],
              })
            }
          >
            Add
          </button>
        </div>
      </fieldset>
      {errors.form || (errors.target && draft.valueFrom !== 'default') ? (
        <p role="alert" className="text-sm font-medium text-red-700">
          {errors.form ?? errors.target}
        </p>
      ) : null}
    </div>
  );
}
