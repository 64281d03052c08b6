'use client';

import { useState } from 'react';
import { buttonClass, inputClass } from '../../../../_components/ui.tsx';
import {
  moveUp,
  newOperation,
  OP_LABELS,
  OP_PARAMETERS,
  type OpDraft,
  type OpKind,
  parameterCount,
} from './transform-draft.ts';
import type { TransformSectionProps } from './transform-sections.tsx';

/** The string operations in order, each with its parameters, moved up or removed; and one to add. */
export function OperationList({ draft, errors, update, f }: TransformSectionProps) {
  const [newOp, setNewOp] = useState<OpKind>('trim');
  const setOp = (index: number, change: Partial<OpDraft>) =>
    update({ ...draft, ops: draft.ops.map((op, i) => (i === index ? { ...op, ...change } : op)) });
  return (
    <fieldset>
      <legend className="mb-1 text-sm font-medium text-slate-800">String operations, in order</legend>
      {draft.ops.length === 0 ? <p className="text-sm text-slate-600">None.</p> : null}
      <ol className="space-y-2">
        {draft.ops.map((op, index) => {
          const error = errors[`transform.${index}`];
          const opId = f(`op-${index}`);
          const parameters = parameterCount(op.kind);
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: operations are positional and may repeat
            <li key={index} className="rounded border border-slate-200 bg-white p-2">
              <div className="flex flex-wrap items-end gap-2">
                <span className="pb-2 text-sm font-semibold">
                  {index + 1}. {OP_LABELS[op.kind]}
                </span>
                {parameters >= 1 ? (
                  <div>
                    <label htmlFor={`${opId}-a`} className="block text-xs text-slate-700">
                      {OP_PARAMETERS[op.kind][0]}
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
                {parameters === 2 ? (
                  <div>
                    <label htmlFor={`${opId}-b`} className="block text-xs text-slate-700">
                      {OP_PARAMETERS[op.kind][1]}
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
                    onClick={() => update({ ...draft, ops: moveUp(draft.ops, index) })}
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
          onClick={() => update({ ...draft, ops: [...draft.ops, newOperation(newOp)] })}
        >
          Add
        </button>
      </div>
    </fieldset>
  );
}
