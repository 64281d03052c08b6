'use client';

import { useId, useState } from 'react';
import { checkNewTableName } from '../../../../../lib/client-safe.ts';
import { buttonClass, inputClass } from '../../../../_components/ui.tsx';

/** A target table the run creates: its name checked against the target's rules and naming habit. */
export function NewTableForm(props: {
  selectedSource: string | null;
  onAdd: (name: string) => void;
  dialect: 'postgres' | 'mysql' | 'sqlite';
  otherNames: readonly string[];
}) {
  const id = useId();
  const [name, setName] = useState('');
  const trimmed = name.trim();
  const verdict = trimmed ? checkNewTableName(trimmed, props.dialect, props.otherNames) : null;
  const invalid = verdict?.verdict === 'invalid';
  const unusual = verdict?.verdict === 'unusual';
  const add = (value: string) => {
    if (!props.selectedSource || !value) return;
    props.onAdd(value);
    setName('');
  };
  return (
    <form
      className="flex flex-wrap items-end gap-2 rounded-lg border border-dashed border-slate-300 bg-white p-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (!invalid) add(trimmed);
      }}
    >
      <div className="min-w-48 flex-1">
        <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
          Or load into a new target table
        </label>
        <input
          id={id}
          className={inputClass(invalid)}
          placeholder={
            props.selectedSource ? props.selectedSource.toLowerCase() : 'select a source table first'
          }
          value={name}
          aria-invalid={invalid}
          aria-describedby={verdict && verdict.verdict !== 'ok' ? `${id}-check` : undefined}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <button
        type="submit"
        className={buttonClass(unusual ? 'danger' : 'secondary', 'sm')}
        disabled={!props.selectedSource || !trimmed || invalid}
      >
        {unusual ? 'Use this name anyway' : 'Map to new table'}
      </button>
      {verdict?.verdict === 'invalid' ? (
        <p id={`${id}-check`} role="alert" className="basis-full text-xs font-medium text-red-700">
          “{trimmed}” cannot be created: {verdict.message}.
        </p>
      ) : verdict?.verdict === 'unusual' ? (
        <div id={`${id}-check`} role="status" className="basis-full text-xs text-amber-900">
          <p>
            “{trimmed}” is unusual: {verdict.reasons.join('; ')}.
          </p>
          {verdict.suggestion ? (
            <button
              type="button"
              className="mt-1 font-semibold text-cyan-800 underline"
              disabled={!props.selectedSource}
              onClick={() => add(verdict.suggestion!)}
            >
              Use {verdict.suggestion} instead
            </button>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
