'use client';

import type { TableInfo } from '@databridge/engine';
import { useEffect, useState } from 'react';
import { PageTitle } from '../../../../_components/ui.tsx';
import { IssueList } from './issue-list.tsx';
import { Feedback } from './load-feedback.tsx';
import { MappingsTable } from './mappings-table.tsx';
import { NewTableForm } from './new-table-form.tsx';
import { findTable } from './schema-names.ts';
import { stepHeading } from './steps.ts';
import { SuggestionsPanel } from './suggestions-panel.tsx';
import {
  type Added,
  acceptConfident,
  addMapping,
  handPickedMapping,
  isMapped,
  sameName,
  suggestedMapping,
} from './table-choice.ts';
import { TableList } from './table-list.tsx';
import { useWizard } from './wizard-context.tsx';

/** Step 1: which source tables load into which target tables. */
export function SelectTables() {
  const {
    spec,
    edit,
    sourceSchema,
    targetSchema,
    suggestions,
    loadSchemas,
    loadSuggestions,
    issues,
    project,
  } = useWizard();
  const [selectedSource, setSelectedSource] = useState<string | null>(null);
  // What the last action did, shown beside the control that did it (not at the top of the page).
  const [notice, setNotice] = useState<{ text: string; near: 'suggestions' | 'targets' } | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());

  useEffect(() => {
    loadSchemas();
    loadSuggestions();
  }, [loadSchemas, loadSuggestions]);

  const apply = (added: Added, near: 'suggestions' | 'targets') => {
    if (added.mappings !== spec.mappings) edit((s) => ({ ...s, mappings: [...added.mappings] }));
    setNotice({ text: added.notice, near });
  };
  const mapTo = (target: TableInfo | string) => {
    if (!selectedSource) return;
    const source =
      sourceSchema.state === 'ready'
        ? findTable(sourceSchema.value, selectedSource, spec.source.schema)
        : undefined;
    const targetDefault =
      spec.target.schema ?? (targetSchema.state === 'ready' ? targetSchema.value.defaultSchema : 'public');
    apply(
      addMapping(spec.mappings, handPickedMapping(selectedSource, source, target, targetDefault)),
      'targets',
    );
  };
  const mappedCount = (side: 'source' | 'target', name: string) =>
    spec.mappings.filter((m) => sameName(m[side], name)).length;

  // The target's names (existing and mapped) set the convention a new name is checked against.
  const targetNames = [
    ...(targetSchema.state === 'ready' ? targetSchema.value.tables.map((t) => t.name) : []),
    ...spec.mappings.map((m) => m.target),
  ];
  const tableIssues = issues.filter((i) => i.step === 'tables');

  return (
    <div className="mx-auto max-w-6xl space-y-6">
      <PageTitle
        title={stepHeading('tables')}
        description="Accept the auto-mapping suggestions, or pick a source table and then the target table it loads into. One source table may load into several targets."
      />
      <IssueList issues={tableIssues} label="Table mapping checks" />

      <SuggestionsPanel
        notice={notice?.near === 'suggestions' ? notice.text : null}
        suggestions={suggestions}
        isMapped={(source, target) => isMapped(spec.mappings, source, target)}
        onAccept={(s, confidentScore) =>
          apply(addMapping(spec.mappings, suggestedMapping(s, confidentScore)), 'suggestions')
        }
        onAcceptAll={(list) => apply(acceptConfident(spec.mappings, list), 'suggestions')}
        onRetry={() => loadSuggestions(true)}
      />

      <div className="grid gap-4 lg:grid-cols-2">
        <TableList
          title="Source tables"
          schema={sourceSchema}
          defaultSchema={spec.source.schema}
          selected={selectedSource}
          mappedCount={(name) => mappedCount('source', name)}
          onPick={(name) => setSelectedSource((current) => (current === name ? null : name))}
          pickLabel="Select"
          onRetry={() => loadSchemas(true)}
        />
        <div className="space-y-3">
          <TableList
            title="Target tables"
            schema={targetSchema}
            defaultSchema={spec.target.schema}
            selected={null}
            mappedCount={(name) => mappedCount('target', name)}
            onPick={(_, table) => mapTo(table)}
            pickLabel={selectedSource ? `Map ${selectedSource} to` : 'Select a source table first, then'}
            disabled={!selectedSource}
            onRetry={() => loadSchemas(true)}
          />
          <NewTableForm
            selectedSource={selectedSource}
            onAdd={(name) => mapTo(name)}
            dialect={project.target?.kind ?? 'postgres'}
            otherNames={targetNames}
          />
          {notice?.near === 'targets' ? <Feedback text={notice.text} /> : null}
        </div>
      </div>

      <MappingsTable
        spec={spec}
        edit={edit}
        sourceSchema={sourceSchema}
        tableIssues={tableIssues}
        selected={selected}
        onSelect={setSelected}
      />
    </div>
  );
}
