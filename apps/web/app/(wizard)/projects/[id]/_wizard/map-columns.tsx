'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { Notice, PageTitle } from '../../../../_components/ui.tsx';
import { ColumnList } from './column-list.tsx';
import {
  clickColumn,
  type ListedColumn,
  mappingIndexOf,
  type PickedColumn,
  pairColumns,
  replaceColumn,
  sourceMark,
  type TableMappingValue,
  targetMark,
  unmapColumn,
} from './column-pairing.ts';
import { ColumnPairs } from './column-pairs.tsx';
import { IssueList } from './issue-list.tsx';
import { MappingChooser, PickStatus } from './map-columns-sections.tsx';
import { findTable } from './schema-names.ts';
import { stepHeading } from './steps.ts';
import { useWizard } from './wizard-context.tsx';

/** Step 2: click a source column, then a target column, and they map; each target column has its transformation. */
export function MapColumns() {
  const { spec, edit, sourceSchema, targetSchema, loadSchemas, issues, project } = useWizard();
  const [current, setCurrent] = useState(0);
  const [picked, setPicked] = useState<PickedColumn | null>(null);
  const [editing, setEditing] = useState<string | null>(null);

  useEffect(() => {
    loadSchemas();
  }, [loadSchemas]);

  useEffect(() => {
    const wanted = mappingIndexOf(window.location.search);
    if (wanted !== null) setCurrent(wanted);
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
  const targetColumns: readonly ListedColumn[] =
    targetTable?.columns ?? mapping.columns.map((c) => ({ name: c.target }));

  const updateMapping = (change: (m: TableMappingValue) => TableMappingValue) =>
    edit((s) => ({ ...s, mappings: s.mappings.map((m, i) => (i === index ? change(m) : m)) }));
  const pick = (side: 'source' | 'target', name: string) => {
    const next = clickColumn(picked, side, name, !targetTable && spec.pipeline.createTables);
    const pair = next.pair;
    if (pair) updateMapping((m) => pairColumns(m, pair.source, pair.target));
    setPicked(next.picked);
  };
  const unmap = (target: string, exclude: boolean) => {
    updateMapping((m) => unmapColumn(m, target, exclude));
    setEditing(null);
  };

  const columnIssues = issues.filter((i) => i.step === 'columns');
  const hereIssues = columnIssues.filter((i) => i.mapping === index);

  return (
    <div className="mx-auto max-w-6xl space-y-5">
      <PageTitle
        title={stepHeading('columns')}
        description="Click a source column, then the target column it fills (or the other way round). Open a pair's transformation to convert, compute, default or trim its values."
      />
      <MappingChooser
        mappings={spec.mappings}
        index={index}
        columnIssues={columnIssues}
        onChoose={(i) => {
          setCurrent(i);
          setPicked(null);
          setEditing(null);
        }}
      />
      <IssueList issues={hereIssues} label="Column mapping checks" />
      {sourceSchema.state === 'failed' || targetSchema.state === 'failed' ? (
        <Notice tone="error">
          {sourceSchema.state === 'failed' ? sourceSchema.message : ''}{' '}
          {targetSchema.state === 'failed' ? targetSchema.message : ''}
        </Notice>
      ) : null}
      <PickStatus picked={picked} onCancel={() => setPicked(null)} />

      <div className="grid gap-4 md:grid-cols-2">
        <ColumnList
          title={`Source: ${sourceTable ? `${sourceTable.schema}.${sourceTable.name}` : mapping.source}`}
          loading={sourceSchema.state === 'loading' || sourceSchema.state === 'idle'}
          columns={sourceColumns}
          picked={picked?.side === 'source' ? picked.name : null}
          marks={(c) => sourceMark(mapping, c)}
          onPick={(name) => pick('source', name)}
          action="Pair source column"
        />
        <ColumnList
          title={`Target: ${targetTable ? `${targetTable.schema}.${targetTable.name}` : `${mapping.target} (created by the run)`}`}
          loading={targetSchema.state === 'loading' || targetSchema.state === 'idle'}
          columns={targetColumns}
          picked={picked?.side === 'target' ? picked.name : null}
          marks={(c) => targetMark(mapping, c)}
          onPick={(name) => pick('target', name)}
          action="Pair target column"
        />
      </div>

      <ColumnPairs
        mapping={mapping}
        sourceTable={sourceTable}
        targetTable={targetTable}
        issues={hereIssues}
        editing={editing}
        onEdit={setEditing}
        onChange={(target, column) => updateMapping((m) => replaceColumn(m, target, column))}
        onUnmap={unmap}
      />
    </div>
  );
}
