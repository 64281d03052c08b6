'use client';

import { useId } from 'react';
import { inputClass } from '../../../../_components/ui.tsx';
import type { PickedColumn, TableMappingValue } from './column-pairing.ts';
import type { Issue } from './validation.ts';

/** The table mapping being edited, each with its count of problems, and those of the others. */
export function MappingChooser(props: {
  mappings: readonly TableMappingValue[];
  index: number;
  columnIssues: readonly Issue[];
  onChoose: (index: number) => void;
}) {
  const selectId = useId();
  const errorsOf = (i: number) =>
    props.columnIssues.filter((x) => x.mapping === i && x.severity === 'error').length;
  const otherErrors = props.columnIssues.filter(
    (i) => i.mapping !== props.index && i.severity === 'error',
  ).length;
  return (
    <div className="flex flex-wrap items-end gap-3">
      <div className="min-w-72">
        <label htmlFor={selectId} className="mb-1 block text-sm font-medium text-slate-800">
          Table mapping
        </label>
        <select
          id={selectId}
          className={inputClass()}
          value={props.index}
          onChange={(e) => props.onChoose(Number(e.target.value))}
        >
          {props.mappings.map((m, i) => {
            const errors = errorsOf(i);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: mappings are addressed by position in the spec
              <option key={i} value={i}>
                {m.source} → {m.target} ({m.columns.length} columns{errors ? `, ${errors} to fix` : ''})
              </option>
            );
          })}
        </select>
      </div>
      {otherErrors > 0 ? (
        <p className="pb-2 text-sm text-red-700">
          {otherErrors} problem{otherErrors > 1 ? 's' : ''} in other table mappings
        </p>
      ) : null}
    </div>
  );
}

/** Which column waits for its partner, and a way out. */
export function PickStatus({ picked, onCancel }: { picked: PickedColumn | null; onCancel: () => void }) {
  if (!picked) return null;
  return (
    <p role="status" className="rounded-md bg-brand-soft px-3 py-2 text-sm">
      <strong>{picked.name}</strong> selected: now click the {picked.side === 'source' ? 'target' : 'source'}{' '}
      column it pairs with.{' '}
      <button type="button" className="font-semibold underline" onClick={onCancel}>
        Cancel
      </button>
    </p>
  );
}
