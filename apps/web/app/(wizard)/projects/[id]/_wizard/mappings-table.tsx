'use client';

import type { MigrationSpec } from '@databridge/engine';
import { TableCard } from '../../../../_components/data-table.tsx';
import { RowAction } from '../../../../_components/row-actions.tsx';
import { inputClass } from '../../../../_components/ui.tsx';
import { BulkSettings, setForMappings } from './bulk-settings.tsx';
import { findTable, type SchemaData } from './schema-names.ts';
import { SyncPicker } from './sync-picker.tsx';
import { changeMapping, keyedRows, type TableMappingValue, tick, withSync } from './table-choice.ts';
import type { Issue } from './validation.ts';
import type { Loadable } from './wizard-context.tsx';

/** The table mappings so far: tick some for bulk settings, set each one's load mode and sync, remove. */
export function MappingsTable(props: {
  spec: MigrationSpec;
  edit: (change: (spec: MigrationSpec) => MigrationSpec) => void;
  sourceSchema: Loadable<SchemaData>;
  tableIssues: readonly Issue[];
  selected: ReadonlySet<number>;
  onSelect: (selected: ReadonlySet<number>) => void;
}) {
  const { spec, edit, sourceSchema, selected } = props;
  const change = (index: number, how: (m: TableMappingValue) => TableMappingValue) =>
    edit((s) => ({ ...s, mappings: changeMapping(s.mappings, index, how) }));
  const remove = (index: number) => {
    edit((s) => ({ ...s, mappings: s.mappings.filter((_, i) => i !== index) }));
    props.onSelect(new Set()); // positions shift: a kept tick could land on another mapping
  };
  return (
    <section aria-labelledby="current-mappings">
      <h2 id="current-mappings" className="mb-2 text-lg font-semibold">
        Table mappings ({spec.mappings.length})
      </h2>
      {spec.mappings.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing is mapped yet.</p>
      ) : (
        <>
          <BulkSettings
            selected={selected}
            total={spec.mappings.length}
            onApply={(setting, value) =>
              edit((s) => ({ ...s, mappings: setForMappings(s.mappings, selected, setting, value) }))
            }
          />
          <TableCard
            columns={[
              { label: 'Select', hidden: true },
              'Source',
              'Target',
              'Columns',
              'Load mode',
              'Sync',
              { label: 'Remove', hidden: true },
            ]}
          >
            {keyedRows(spec.mappings).map(({ mapping, index, key }) => {
              const problem = props.tableIssues.find((i) => i.mapping === index && i.severity === 'error');
              const modeId = `mode-${index}`;
              return (
                <tr key={key} className={problem ? 'bg-red-50' : ''}>
                  <td className="w-8 px-3 py-2">
                    <input
                      type="checkbox"
                      className="h-4 w-4 accent-cyan-600"
                      aria-label={`Select ${mapping.source} → ${mapping.target}`}
                      checked={selected.has(index)}
                      onChange={(e) => props.onSelect(tick(selected, index, e.target.checked))}
                    />
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{mapping.source}</td>
                  <td className="px-3 py-2 font-mono text-xs">{mapping.target}</td>
                  <td className="px-3 py-2 tabular-nums">{mapping.columns.length}</td>
                  <td className="px-3 py-2">
                    <label htmlFor={modeId} className="sr-only">
                      Load mode of {mapping.source} → {mapping.target}
                    </label>
                    <select
                      id={modeId}
                      className={`${inputClass()} py-1`}
                      value={mapping.mode}
                      onChange={(e) =>
                        change(index, (m) => ({ ...m, mode: e.target.value as TableMappingValue['mode'] }))
                      }
                    >
                      <option value="append">append</option>
                      <option value="replace">replace (empty the target first)</option>
                      <option value="upsert">upsert (by key)</option>
                    </select>
                  </td>
                  <td className="px-3 py-2">
                    <SyncPicker
                      mapping={mapping}
                      index={index}
                      sourceTable={
                        sourceSchema.state === 'ready'
                          ? findTable(sourceSchema.value, mapping.source, spec.source.schema)
                          : undefined
                      }
                      onChange={(sync) => change(index, (m) => withSync(m, sync))}
                    />
                  </td>
                  <td className="px-3 py-2 text-right">
                    <RowAction
                      verb="Remove"
                      target={`${mapping.source} → ${mapping.target}`}
                      variant="danger"
                      onClick={() => remove(index)}
                    />
                  </td>
                </tr>
              );
            })}
          </TableCard>
        </>
      )}
    </section>
  );
}
