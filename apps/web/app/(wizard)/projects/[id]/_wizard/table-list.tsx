'use client';

import type { TableInfo } from '@databridge/engine';
import { useId, useMemo, useState } from 'react';
import { formatCount } from '../../../../../lib/format.ts';
import { inputClass } from '../../../../_components/ui.tsx';
import { LoadFailure } from './load-feedback.tsx';
import { qualified, type SchemaData, specName } from './schema-names.ts';
import { sameName } from './table-choice.ts';
import type { Loadable } from './wizard-context.tsx';

/** One database's tables, searchable, each a button that picks it and says how often it is mapped. */
export function TableList(props: {
  title: string;
  schema: Loadable<SchemaData>;
  defaultSchema: string | undefined;
  selected: string | null;
  mappedCount: (specName: string) => number;
  onPick: (specName: string, table: TableInfo) => void;
  pickLabel: string;
  disabled?: boolean;
  onRetry: () => void;
}) {
  const id = useId();
  const [query, setQuery] = useState('');
  const tables = useMemo(() => {
    if (props.schema.state !== 'ready') return [];
    const q = query.trim().toLowerCase();
    return props.schema.value.tables.filter((t) => !q || qualified(t).toLowerCase().includes(q));
  }, [props.schema, query]);
  const defaultSchema =
    props.schema.state === 'ready' ? (props.defaultSchema ?? props.schema.value.defaultSchema) : '';

  return (
    <section aria-labelledby={`${id}-title`} className="rounded-lg border border-slate-200 bg-white">
      <div className="border-b border-slate-200 px-4 py-3">
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          {props.title}
          {props.schema.state === 'ready' ? (
            <span className="ml-2 text-sm font-normal text-slate-500">
              {props.schema.value.tables.length}
            </span>
          ) : null}
        </h2>
        <label htmlFor={`${id}-search`} className="mt-2 block text-sm font-medium text-slate-700">
          Search {props.title.toLowerCase()}
        </label>
        <input
          id={`${id}-search`}
          type="search"
          className={`${inputClass()} mt-1`}
          placeholder="schema.table"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>
      <div className="max-h-80 overflow-y-auto">
        {props.schema.state === 'failed' ? (
          <LoadFailure message={props.schema.message} onRetry={props.onRetry} />
        ) : props.schema.state !== 'ready' ? (
          <p className="p-4 text-sm text-slate-600" role="status">
            Loading tables…
          </p>
        ) : tables.length === 0 ? (
          <p className="p-4 text-sm text-slate-600">No table matches.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {tables.map((table) => {
              const name = specName(table, defaultSchema);
              const selected = props.selected !== null && sameName(props.selected, name);
              const mapped = props.mappedCount(name);
              return (
                <li key={qualified(table)}>
                  <button
                    type="button"
                    aria-pressed={props.selected === null ? undefined : selected}
                    aria-disabled={props.disabled || undefined}
                    onClick={() => !props.disabled && props.onPick(name, table)}
                    className={`flex w-full items-center justify-between gap-3 px-4 py-2 text-left text-sm ${
                      selected
                        ? 'bg-brand text-ink'
                        : props.disabled
                          ? 'text-slate-500'
                          : 'hover:bg-brand-soft'
                    }`}
                  >
                    <span className="min-w-0">
                      <span className="sr-only">{props.pickLabel} </span>
                      <span className="font-mono text-xs">{qualified(table)}</span>
                      {mapped > 0 ? (
                        <span className="ml-2 rounded bg-accent-soft px-1.5 text-xs font-semibold text-emerald-900">
                          mapped{mapped > 1 ? ` ×${mapped}` : ''}
                        </span>
                      ) : null}
                    </span>
                    <span className="shrink-0 text-xs tabular-nums text-slate-600">
                      {formatCount(table.rowEstimate)} rows
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </section>
  );
}
