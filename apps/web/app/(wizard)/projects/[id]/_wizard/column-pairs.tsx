'use client';

import type { TableInfo } from '@databridge/engine';
import { type ColumnMappingValue, type Compatibility, compareTypes } from '../../../../../lib/client-safe.ts';
import { TableCard } from '../../../../_components/data-table.tsx';
import { buttonClass } from '../../../../_components/ui.tsx';
import { describeColumn, describeTransform, type TableMappingValue } from './column-pairing.ts';
import { findColumn } from './schema-names.ts';
import { TransformEditor } from './transform-editor.tsx';
import type { Issue } from './validation.ts';

const COMPATIBILITY: Record<Compatibility, { label: string; look: string }> = {
  same: { label: 'same type', look: 'border-accent bg-accent-soft text-emerald-900' },
  widening: { label: 'safe', look: 'border-accent bg-accent-soft text-emerald-900' },
  narrowing: { label: 'may reject', look: 'border-amber-300 bg-amber-50 text-amber-900' },
  incompatible: { label: 'incompatible', look: 'border-red-300 bg-red-50 text-red-800' },
};

/** The mapped columns of one table mapping, each with its types, transformation and actions. */
export function ColumnPairs(props: {
  mapping: TableMappingValue;
  sourceTable: TableInfo | undefined;
  targetTable: TableInfo | undefined;
  issues: readonly Issue[];
  /** The target column whose transformation is open. */
  editing: string | null;
  onEdit: (target: string | null) => void;
  onChange: (target: string, column: ColumnMappingValue) => void;
  onUnmap: (target: string, exclude: boolean) => void;
}) {
  const { mapping, sourceTable, targetTable } = props;
  return (
    <section aria-labelledby="pairs-title">
      <h2 id="pairs-title" className="mb-2 text-lg font-semibold">
        Mapped columns ({mapping.columns.length})
      </h2>
      <TableCard
        columns={[
          'Target column',
          'Filled from',
          'Types',
          'Transformation',
          { label: 'Actions', hidden: true },
        ]}
      >
        {mapping.columns.map((column) => {
          const sourceColumn = column.source ? findColumn(sourceTable, column.source) : undefined;
          const targetColumn = findColumn(targetTable, column.target);
          const verdict = sourceColumn && targetColumn ? compareTypes(sourceColumn, targetColumn) : undefined;
          const problem = props.issues.find((i) => i.column === column.target && i.severity === 'error');
          const open = props.editing === column.target;
          return [
            <tr key={column.target} className={problem ? 'bg-red-50' : open ? 'bg-brand-soft/40' : ''}>
              <td className="px-3 py-2 font-mono text-xs">{column.target}</td>
              <td className="px-3 py-2 font-mono text-xs">{describeColumn(column)}</td>
              <td className="px-3 py-2 text-xs">
                <span className="font-mono text-slate-700">
                  {sourceColumn?.nativeType ?? (column.expression ? 'expression' : '—')} →{' '}
                  {targetColumn?.nativeType ?? 'new'}
                </span>{' '}
                {verdict ? (
                  <span
                    className={`ml-1 inline-flex rounded-full border px-1.5 text-xs font-semibold ${COMPATIBILITY[verdict.level].look}`}
                    title={verdict.reason || undefined}
                  >
                    {COMPATIBILITY[verdict.level].label}
                    {verdict.reason ? <span className="sr-only">: {verdict.reason}</span> : null}
                  </span>
                ) : null}
              </td>
              <td className="px-3 py-2 text-xs text-slate-700">{describeTransform(column) || '—'}</td>
              <td className="px-3 py-2">
                <div className="flex justify-end gap-2">
                  <button
                    type="button"
                    className={buttonClass(open ? 'primary' : 'secondary', 'sm')}
                    aria-expanded={open}
                    onClick={() => props.onEdit(open ? null : column.target)}
                  >
                    Transform<span className="sr-only"> {column.target}</span>
                  </button>
                  <button
                    type="button"
                    className={buttonClass('ghost', 'sm')}
                    onClick={() => props.onUnmap(column.target, false)}
                  >
                    Unmap<span className="sr-only"> {column.target}</span>
                  </button>
                </div>
              </td>
            </tr>,
            open ? (
              <tr key={`${column.target}-editor`}>
                <td colSpan={5} className="px-3 py-3">
                  <TransformEditor
                    mappingKey={`${mapping.source}→${mapping.target}`}
                    column={column}
                    sourceColumns={sourceTable?.columns ?? []}
                    targetColumn={targetColumn}
                    onChange={(next) => props.onChange(column.target, next)}
                    onExclude={() => props.onUnmap(column.target, true)}
                    onClose={() => props.onEdit(null)}
                  />
                </td>
              </tr>
            ) : null,
          ];
        })}
      </TableCard>
      {mapping.exclude.length > 0 ? (
        <p className="mt-2 text-sm text-slate-600">
          Excluded source columns: <span className="font-mono">{mapping.exclude.join(', ')}</span>
        </p>
      ) : null}
    </section>
  );
}
