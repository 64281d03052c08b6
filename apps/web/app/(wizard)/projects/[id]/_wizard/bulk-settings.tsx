'use client';

import type { MigrationSpec } from '@databridge/engine';
import { useId, useState } from 'react';
import { buttonClass, inputClass } from '../../../../_components/ui.tsx';

type TableMappingValue = MigrationSpec['mappings'][number];
type ColumnValue = TableMappingValue['columns'][number];

/** The per-mapping settings that can be set on many mappings at once, with their choices. */
const SETTINGS = {
  mode: {
    label: 'Load mode',
    choices: [
      ['append', 'append'],
      ['replace', 'replace (empty the target first)'],
      ['upsert', 'upsert (by key)'],
    ],
    apply: (m: TableMappingValue, value: string) => ({ ...m, mode: value as TableMappingValue['mode'] }),
  },
  onInvalid: {
    label: 'A value that does not fit',
    choices: [
      ['reject', 'rejects its row'],
      ['null', 'becomes NULL'],
      ['truncate', 'is truncated'],
      ['clamp', 'is clamped to the range'],
    ],
    apply: (m: TableMappingValue, value: string) => ({
      ...m,
      columns: m.columns.map((c) => ({ ...c, onInvalid: value as ColumnValue['onInvalid'] })),
    }),
  },
} as const;

type Setting = keyof typeof SETTINGS;

/** `mappings` with `setting` set to `value` on the mappings at `indexes` (all of them when empty). */
export function setForMappings(
  mappings: readonly TableMappingValue[],
  indexes: ReadonlySet<number>,
  setting: Setting,
  value: string,
): TableMappingValue[] {
  return mappings.map((m, i) =>
    indexes.size === 0 || indexes.has(i) ? SETTINGS[setting].apply(m, value) : m,
  );
}

/**
 * "Set for all / selected": one setting, one value, applied to the ticked mappings or, with none
 * ticked, to every mapping. Says what it changed beside its own button.
 */
export function BulkSettings(props: {
  selected: ReadonlySet<number>;
  total: number;
  onApply: (setting: Setting, value: string) => void;
}) {
  const id = useId();
  const [setting, setSetting] = useState<Setting>('mode');
  const [value, setValue] = useState<string>(SETTINGS.mode.choices[1][0]);
  const [done, setDone] = useState<string | null>(null);
  const count = props.selected.size === 0 ? props.total : props.selected.size;
  const scope = props.selected.size === 0 ? `all ${props.total}` : `${props.selected.size} selected`;
  return (
    // biome-ignore lint/a11y/useSemanticElements: a toolbar, not a form's fieldset
    <div
      role="group"
      aria-label="Set for several mappings"
      className="mb-3 flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-slate-50 p-3"
    >
      <div>
        <label htmlFor={`${id}-setting`} className="mb-1 block text-xs font-medium text-slate-700">
          Setting
        </label>
        <select
          id={`${id}-setting`}
          className={`${inputClass()} py-1`}
          value={setting}
          onChange={(e) => {
            const next = e.target.value as Setting;
            setSetting(next);
            setValue(SETTINGS[next].choices[0][0]);
            setDone(null);
          }}
        >
          {(Object.keys(SETTINGS) as Setting[]).map((key) => (
            <option key={key} value={key}>
              {SETTINGS[key].label}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${id}-value`} className="mb-1 block text-xs font-medium text-slate-700">
          Value
        </label>
        <select
          id={`${id}-value`}
          className={`${inputClass()} py-1`}
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setDone(null);
          }}
        >
          {SETTINGS[setting].choices.map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <button
        type="button"
        className={buttonClass('secondary', 'sm')}
        disabled={count === 0}
        onClick={() => {
          props.onApply(setting, value);
          const label = SETTINGS[setting].choices.find(([v]) => v === value)?.[1] ?? value;
          setDone(`${SETTINGS[setting].label}: ${label}, on ${count} mapping${count === 1 ? '' : 's'}.`);
        }}
      >
        Set for {scope}
      </button>
      {done ? (
        <p role="status" className="basis-full text-xs font-medium text-emerald-800">
          {done}
        </p>
      ) : null}
    </div>
  );
}
