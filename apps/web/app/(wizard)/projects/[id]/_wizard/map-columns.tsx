'use client';

import type { ColumnInfo, MigrationSpec } from '@databridge/engine';
import Link from 'next/link';
import { useEffect, useId, useState } from 'react';
import { type ColumnMappingValue, type Compatibility, compareTypes } from '../../../../../lib/client-safe.ts';
import { TableCard } from '../../../../_components/data-table.tsx';
import { buttonClass, inputClass, Notice, PageTitle } from '../../../../_components/ui.tsx';
import { IssueList } from './issue-list.tsx';
import { findColumn, findTable, nameKey } from './schema-names.ts';
import { stepHeading } from './steps.ts';
import { TransformEditor } from './transform-editor.tsx';
import { useWizard } from './wizard-context.tsx';

type TableMappingValue = MigrationSpec['mappings'][number];

const COMPATIBILITY: Record<Compatibility, { label: string; look: string }> = {
  same: { label: 'same type', look: 'border-accent bg-accent-soft text-emerald-900' },
  widening: { label: 'safe', look: 'border-accent bg-accent-soft text-emerald-900' },
  narrowing: { label: 'may reject', look: 'border-amber-300 bg-amber-50 text-amber-900' },
  incompatible: { label: 'incompatible', look: 'border-red-300 bg-red-50 text-red-800' },
};

function describeColumn(column: ColumnMappingValue): string {
  const parts: string[] = [];
  if (column.expression !== undefined) parts.push(`= ${column.expression}`);
  else if (column.source !== undefined) parts.push(column.source);
  if (column.default !== undefined) parts.push(`default ${JSON.stringify(column.default)}`);
  return parts.join(', ') || '—';
}

function describeTransform(column: ColumnMappingValue): string {
  const ops = column.transform.map((op) => (typeof op === 'string' ? op : Object.keys(op)[0]));
  if (column.onInvalid !== 'reject') ops.push(`invalid → ${column.onInvalid}`);
  return ops.join(', ');
}

/** Step 2: click a source column, then a target column, and they map; each target column has its transformation. */
export function MapColumns() {
  const { spec, edit, sourceSchema, targetSchema, loadSchemas, issues, project } = useWizard();
  const selectId = useId();
  const [current, setCurrent] = useState(0);
  const [picked, setPicked] = useState<{ side: 'source' | 'target'; name: string } | null>(null);
  const [editing, setEditing] = useState<string | null>(null);

  useEffect(() => {
    loadSchemas();
  }, [loadSchemas]);

  // `?mapping=m3` (step 5's Graph links a table's box here) opens that mapping: ids count from m1 in spec order.
  useEffect(() => {
    const wanted = /^m(\d+)$/.exec(new URLSearchParams(window.location.search).get('mapping') ?? '');
    if (wanted) setCurrent(Number(wanted[1]) - 1);
  }, []);

  const index = Math.min(current, Math.max(spec.mappings.length - 1, 0));
  const mapping = spec.mappings[index];
  if (!mapping) {
    return (
      <div className="mx-auto max-w-4xl">
        <PageTitle title={stepHeading('columns')} />
        <Notice tone="info">
          Map a table first in{' '}
          <Link className="font-semibold underline" href={`/projects/${project.id}/tables`}>
            step 1
          </Link>
          .
        </Notice>
      </div>
    );
  }

  const sourceTable =
    sourceSchema.state === 'ready'
      ? findTable(sourceSchema.value, mapping.source, spec.source.schema)
      : undefined;
  const targetTable =
    targetSchema.state === 'ready'
      ? findTable(targetSchema.value, mapping.target, spec.target.schema)
      : undefined;
  const sourceColumns = sourceTable?.columns ?? [];
  // A table the run will create has only the columns the mapping gives it.
  const targetColumns: readonly (ColumnInfo | { name: string; nativeType?: undefined })[] =
    targetTable?.columns ?? mapping.columns.map((c) => ({ name: c.target }));

  const updateMapping = (change: (m: TableMappingValue) => TableMappingValue) =>
    edit((s) => ({ ...s, mappings: s.mappings.map((m, i) => (i === index ? change(m) : m)) }));

  const pair = (source: string, target: string) => {
    updateMapping((m) => {
      const existing = m.columns.find((c) => c.target === target);
      const column: ColumnMappingValue = {
        target,
        source,
        transform: existing?.transform ?? [],
        onInvalid: existing?.onInvalid ?? 'reject',
        ...(existing?.default !== undefined ? { default: existing.default } : {}),
      };
      const columns = existing
        ? m.columns.map((c) => (c.target === target ? column : c))
        : [...m.columns, column];
      return { ...m, columns, exclude: m.exclude.filter((e) => e !== source) };
    });
  };

  const pick = (side: 'source' | 'target', name: string) => {
    if (picked && picked.side !== side) {
      const source = side === 'source' ? name : picked.name;
      const target = side === 'target' ? name : picked.name;
      pair(source, target);
      setPicked(null);
      return;
    }
    if (side === 'source' && !targetTable && spec.pipeline.createTables) {
      // Into a table the run creates, a source column maps to a column of its own name.
      pair(name, name);
      return;
    }
    setPicked(picked?.side === side && picked.name === name ? null : { side, name });
  };

  const setColumn = (target: string, column: ColumnMappingValue) =>
    updateMapping((m) => ({ ...m, columns: m.columns.map((c) => (c.target === target ? column : c)) }));

  const unmap = (target: string, exclude: boolean) => {
    updateMapping((m) => {
      const column = m.columns.find((c) => c.target === target);
      const source = column?.source;
      return {
        ...m,
        columns: m.columns.filter((c) => c.target !== target),
        exclude: exclude && source && !m.exclude.includes(source) ? [...m.exclude, source] : m.exclude,
      };
    });
    setEditing(null);
  };

  const mappedSources = new Set(mapping.columns.map((c) => c.source).filter(Boolean));
  const mappedTargets = new Set(mapping.columns.map((c) => nameKey(c.target)));
  const columnIssues = issues.filter((i) => i.step === 'columns');
  const hereIssues = columnIssues.filter((i) => i.mapping === index);
  const otherErrors = columnIssues.filter((i) => i.mapping !== index && i.severity === 'error').length;

  return (
    <div className="mx-auto max-w-6xl space-y-5">
      <PageTitle
        title={stepHeading('columns')}
        description="Click a source column, then the target column it fills (or the other way round). Open a pair's transformation to convert, compute, default or trim its values."
      />
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-72">
          <label htmlFor={selectId} className="mb-1 block text-sm font-medium text-slate-800">
            Table mapping
          </label>
          <select
            id={selectId}
            className={inputClass()}
            value={index}
            onChange={(e) => {
              setCurrent(Number(e.target.value));
              setPicked(null);
              setEditing(null);
            }}
          >
            {spec.mappings.map((m, i) => {
              const errors = columnIssues.filter((x) => x.mapping === i && x.severity === 'error').length;
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
      <IssueList issues={hereIssues} label="Column mapping checks" />
      {sourceSchema.state === 'failed' || targetSchema.state === 'failed' ? (
        <Notice tone="error">
          {sourceSchema.state === 'failed' ? sourceSchema.message : ''}{' '}
          {targetSchema.state === 'failed' ? targetSchema.message : ''}
        </Notice>
      ) : null}
      {picked ? (
        <p role="status" className="rounded-md bg-brand-soft px-3 py-2 text-sm">
          <strong>{picked.name}</strong> selected: now click the{' '}
          {picked.side === 'source' ? 'target' : 'source'} column it pairs with.{' '}
          <button type="button" className="font-semibold underline" onClick={() => setPicked(null)}>
            Cancel
          </button>
        </p>
      ) : null}

      <div className="grid gap-4 md:grid-cols-2">
        <ColumnList
          title={`Source: ${sourceTable ? `${sourceTable.schema}.${sourceTable.name}` : mapping.source}`}
          loading={sourceSchema.state === 'loading' || sourceSchema.state === 'idle'}
          columns={sourceColumns}
          picked={picked?.side === 'source' ? picked.name : null}
          marks={(c) =>
            mappedSources.has(c.name) ? 'mapped' : mapping.exclude.includes(c.name) ? 'excluded' : undefined
          }
          onPick={(name) => pick('source', name)}
          action="Pair source column"
        />
        <ColumnList
          title={`Target: ${targetTable ? `${targetTable.schema}.${targetTable.name}` : `${mapping.target} (created by the run)`}`}
          loading={targetSchema.state === 'loading' || targetSchema.state === 'idle'}
          columns={targetColumns}
          picked={picked?.side === 'target' ? picked.name : null}
          marks={(c) =>
            mappedTargets.has(nameKey(c.name))
              ? 'mapped'
              : 'nullable' in c && c.nullable === false && c.defaultValue === null && !c.autoIncrement
                ? 'required'
                : undefined
          }
          onPick={(name) => pick('target', name)}
          action="Pair target column"
        />
      </div>

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
            const verdict =
              sourceColumn && targetColumn ? compareTypes(sourceColumn, targetColumn) : undefined;
            const problem = hereIssues.find((i) => i.column === column.target && i.severity === 'error');
            const open = editing === column.target;
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
                      onClick={() => setEditing(open ? null : column.target)}
                    >
                      Transform<span className="sr-only"> {column.target}</span>
                    </button>
                    <button
                      type="button"
                      className={buttonClass('ghost', 'sm')}
                      onClick={() => unmap(column.target, false)}
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
                      sourceColumns={sourceColumns}
                      targetColumn={targetColumn}
                      onChange={(next) => setColumn(column.target, next)}
                      onExclude={() => unmap(column.target, true)}
                      onClose={() => setEditing(null)}
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
    </div>
  );
}

function ColumnList(props: {
  title: string;
  loading: boolean;
  columns: readonly (ColumnInfo | { name: string; nativeType?: undefined })[];
  picked: string | null;
  marks: (column: ColumnInfo | { name: string }) => 'mapped' | 'required' | 'excluded' | undefined;
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
