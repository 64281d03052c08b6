'use client';

import type { MigrationSpec, TableInfo } from '@databridge/engine';
import { inputClass } from '../../../../_components/ui.tsx';
import { cursorCandidates, suggestCursor } from './cursor-suggestion.ts';

type TableMappingValue = MigrationSpec['mappings'][number];
type Sync = NonNullable<TableMappingValue['sync']>;

/**
 * A mapping's sync mode and cursor (step 1): full, or incremental with a cursor chosen among the
 * mapped source columns that order changes, the obvious one proposed first.
 */
export function SyncPicker(props: {
  mapping: TableMappingValue;
  index: number;
  sourceTable: TableInfo | undefined;
  onChange: (sync: Sync | undefined) => void;
}) {
  const { mapping, index } = props;
  const mapped = mapping.columns.flatMap((c) => (c.source === undefined ? [] : [c.source]));
  const candidates = cursorCandidates(props.sourceTable, mapped);
  const suggestion = suggestCursor(props.sourceTable, mapped);
  const mode = mapping.sync?.mode ?? 'full';
  const cursor = mapping.sync && mapping.sync.mode !== 'full' ? mapping.sync.cursor : undefined;
  const name = `${mapping.source} → ${mapping.target}`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={`sync-${index}`} className="sr-only">
        Sync of {name}
      </label>
      <select
        id={`sync-${index}`}
        className={`${inputClass()} py-1`}
        value={mode}
        onChange={(e) => {
          const next = e.target.value as Sync['mode'];
          if (next === 'full') props.onChange(undefined);
          else props.onChange({ mode: next, cursor: cursor ?? suggestion?.column ?? candidates[0]?.name });
        }}
      >
        <option value="full">full (every row, every run)</option>
        <option value="incremental_upsert">incremental, upsert changed rows</option>
        <option value="incremental_append">incremental, append new rows</option>
      </select>
      {mode === 'full' ? null : (
        <>
          <label htmlFor={`cursor-${index}`} className="sr-only">
            Cursor column of {name}
          </label>
          <select
            id={`cursor-${index}`}
            className={`${inputClass(cursor === undefined)} py-1`}
            value={cursor ?? ''}
            onChange={(e) =>
              props.onChange({
                ...(mapping.sync as Sync & { cursor?: string }),
                mode,
                cursor: e.target.value,
              })
            }
          >
            <option value="" disabled>
              choose the cursor column
            </option>
            {candidates.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({c.nativeType}){suggestion?.column === c.name ? ' · suggested' : ''}
              </option>
            ))}
          </select>
          {suggestion && cursor === suggestion.column ? (
            <p className="text-xs text-slate-600">
              {suggestion.column}: {suggestion.why}
            </p>
          ) : candidates.length === 0 ? (
            <p className="text-xs text-red-700">
              No mapped column of this table orders changes (an integer, date or timestamp): map one.
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
