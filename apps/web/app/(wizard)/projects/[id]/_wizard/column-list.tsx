'use client';

import { useId } from 'react';
import type { ColumnMark, ListedColumn } from './column-pairing.ts';

/** One side's columns as buttons: a click picks a column, marks say which are mapped, required or excluded. */
export function ColumnList(props: {
  title: string;
  loading: boolean;
  columns: readonly ListedColumn[];
  picked: string | null;
  marks: (column: ListedColumn) => ColumnMark;
  onPick: (name: string) => void;
  action: string;
}) {
  const id = useId();
  return (
    <section aria-labelledby={id} className="rounded-lg border border-slate-200 bg-white">
      <h3 id={id} className="border-b border-slate-200 px-4 py-2 font-semibold">
        {props.title}
      </h3>
      {props.loading ? (
        <p className="p-4 text-sm text-slate-600" role="status">
          Loading columns…
        </p>
      ) : (
        <ul className="max-h-80 divide-y divide-slate-100 overflow-y-auto">
          {props.columns.map((column) => {
            const mark = props.marks(column);
            const selected = props.picked === column.name;
            const pk = 'ordinal' in column && column.autoIncrement;
            return (
              <li key={column.name}>
                <button
                  type="button"
                  aria-pressed={selected}
                  onClick={() => props.onPick(column.name)}
                  className={`flex w-full items-center justify-between gap-3 px-4 py-1.5 text-left text-sm ${
                    selected
                      ? 'bg-brand font-semibold text-ink'
                      : mark === 'mapped'
                        ? 'bg-accent-soft'
                        : 'hover:bg-brand-soft'
                  }`}
                >
                  <span className="min-w-0 truncate">
                    <span className="sr-only">{props.action} </span>
                    <span className="font-mono text-xs">{column.name}</span>
                    {pk ? <span className="ml-1 text-xs text-slate-500">(auto)</span> : null}
                  </span>
                  <span className="flex shrink-0 items-center gap-2 text-xs">
                    {column.nativeType ? (
                      <span className="font-mono text-slate-600">{column.nativeType}</span>
                    ) : null}
                    {mark === 'mapped' ? (
                      <span className="font-semibold text-emerald-800">mapped</span>
                    ) : null}
                    {mark === 'required' ? (
                      <span className="font-semibold text-red-700">required</span>
                    ) : null}
                    {mark === 'excluded' ? <span className="text-slate-500">excluded</span> : null}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
