'use client';

import type { MigrationSpec, TableInfo } from '@databridge/engine';
import type { TableSuggestionView } from '@databridge/queue';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { checkNewTableName } from '../../../../../lib/client-safe.ts';
import { formatCount, formatScore } from '../../../../../lib/format.ts';
import { TableCard, TableHead } from '../../../../_components/data-table.tsx';
import { RowAction } from '../../../../_components/row-actions.tsx';
import { buttonClass, inputClass, Notice, PageTitle } from '../../../../_components/ui.tsx';
import { BulkSettings, setForMappings } from './bulk-settings.tsx';
import { IssueList } from './issue-list.tsx';
import { findTable, qualified, type SchemaData, sameNamedColumns, specName } from './schema-names.ts';
import { stepHeading } from './steps.ts';
import { SyncPicker } from './sync-picker.tsx';
import { type Loadable, useWizard } from './wizard-context.tsx';

type TableMappingValue = MigrationSpec['mappings'][number];

function newMapping(source: string, target: string, columns: readonly { source: string; target: string }[]) {
  return {
    source,
    target,
    mode: 'append',
    columns: columns.map((c) => ({ source: c.source, target: c.target, transform: [], onInvalid: 'reject' })),
    exclude: [],
  } satisfies TableMappingValue;
}

/** Each mapping with a key that survives removals: its pair, numbered when the pair repeats. */
function keyedRows(mappings: readonly TableMappingValue[]) {
  const seen = new Map<string, number>();
  return mappings.map((mapping, index) => {
    const base = `${mapping.source}→${mapping.target}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return { mapping, index, key: n === 0 ? base : `${base}#${n}` };
  });
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Step 1: which source tables load into which target tables. */
export function SelectTables() {
  const wizard = useWizard();
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
  } = wizard;
  const [selectedSource, setSelectedSource] = useState<string | null>(null);
  // What the last action did, shown beside the control that did it (not at the top of the page).
  const [notice, setNotice] = useState<{ text: string; near: 'suggestions' | 'targets' } | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());

  useEffect(() => {
    loadSchemas();
    loadSuggestions();
  }, [loadSchemas, loadSuggestions]);

  const isMapped = (source: string, target: string) =>
    spec.mappings.some((m) => sameName(m.source, source) && sameName(m.target, target));

  const addMapping = (mapping: TableMappingValue, near: 'suggestions' | 'targets') => {
    if (isMapped(mapping.source, mapping.target)) {
      setNotice({ text: `${mapping.source} → ${mapping.target} is already mapped.`, near });
      return;
    }
    edit((s) => ({ ...s, mappings: [...s.mappings, mapping] }));
    setNotice({
      text: `Mapped ${mapping.source} → ${mapping.target} (${mapping.columns.length} columns).`,
      near,
    });
  };

  const accept = (suggestion: TableSuggestionView, confidentScore: number) => {
    const confident = suggestion.columns.filter((c) => c.score >= confidentScore);
    addMapping(
      newMapping(suggestion.source, suggestion.target, confident.length > 0 ? confident : suggestion.columns),
      'suggestions',
    );
  };

  const acceptAll = (view: { tables: readonly TableSuggestionView[]; confidentScore: number }) => {
    const fresh = view.tables.filter((t) => t.confident && !isMapped(t.source, t.target));
    edit((s) => ({
      ...s,
      mappings: [
        ...s.mappings,
        ...fresh.map((t) => {
          const confident = t.columns.filter((c) => c.score >= view.confidentScore);
          return newMapping(t.source, t.target, confident.length > 0 ? confident : t.columns);
        }),
      ],
    }));
    setNotice({
      text:
        fresh.length > 0
          ? `Accepted ${fresh.length} suggestion(s).`
          : 'Every confident suggestion is already mapped.',
      near: 'suggestions',
    });
  };

  const mapTo = (target: TableInfo | string) => {
    if (!selectedSource) return;
    const source =
      sourceSchema.state === 'ready'
        ? findTable(sourceSchema.value, selectedSource, spec.source.schema)
        : undefined;
    if (typeof target === 'string') {
      addMapping(
        newMapping(
          selectedSource,
          target,
          (source?.columns ?? []).map((c) => ({ source: c.name, target: c.name })),
        ),
        'targets',
      );
      return;
    }
    const targetDefault =
      spec.target.schema ?? (targetSchema.state === 'ready' ? targetSchema.value.defaultSchema : 'public');
    addMapping(
      newMapping(
        selectedSource,
        specName(target, targetDefault),
        source ? sameNamedColumns(source, target) : [],
      ),
      'targets',
    );
  };

  const remove = (index: number) => {
    edit((s) => ({ ...s, mappings: s.mappings.filter((_, i) => i !== index) }));
    setSelected(new Set()); // positions shift: a kept tick could land on another mapping
  };

  const toggle = (index: number, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(index);
      else next.delete(index);
      return next;
    });

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
        isMapped={isMapped}
        onAccept={accept}
        onAcceptAll={acceptAll}
        onRetry={() => loadSuggestions(true)}
      />

      <div className="grid gap-4 lg:grid-cols-2">
        <TableList
          title="Source tables"
          schema={sourceSchema}
          defaultSchema={spec.source.schema}
          selected={selectedSource}
          mappedCount={(name) => spec.mappings.filter((m) => sameName(m.source, name)).length}
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
            mappedCount={(name) => spec.mappings.filter((m) => sameName(m.target, name)).length}
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
                const problem = tableIssues.find((i) => i.mapping === index && i.severity === 'error');
                const modeId = `mode-${index}`;
                return (
                  <tr key={key} className={problem ? 'bg-red-50' : ''}>
                    <td className="w-8 px-3 py-2">
                      <input
                        type="checkbox"
                        className="h-4 w-4 accent-cyan-600"
                        aria-label={`Select ${mapping.source} → ${mapping.target}`}
                        checked={selected.has(index)}
                        onChange={(e) => toggle(index, e.target.checked)}
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
                          edit((s) => ({
                            ...s,
                            mappings: s.mappings.map((m, i) =>
                              i === index ? { ...m, mode: e.target.value as TableMappingValue['mode'] } : m,
                            ),
                          }))
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
                        onChange={(sync) =>
                          edit((s) => ({
                            ...s,
                            mappings: s.mappings.map((m, i) => {
                              if (i !== index) return m;
                              const { sync: _old, ...rest } = m;
                              return sync ? { ...rest, sync } : rest;
                            }),
                          }))
                        }
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
    </div>
  );
}

function ScoreBadge({ score, confident }: { score: number; confident: boolean }) {
  return (
    <span
      className={`inline-flex rounded-full border px-2 py-0.5 text-xs font-semibold tabular-nums ${
        confident
          ? 'border-accent bg-accent-soft text-emerald-900'
          : 'border-amber-300 bg-amber-50 text-amber-900'
      }`}
      title={confident ? 'Confident match' : 'Weak match: check it'}
    >
      {formatScore(score)}
    </span>
  );
}

/** Why a list could not load, with a button to load it again. */
function LoadFailure(props: { message: string; onRetry: () => void }) {
  return (
    <div className="p-4">
      <Notice tone="error">
        {props.message}{' '}
        <button type="button" className="font-semibold underline" onClick={props.onRetry}>
          Try again
        </button>
      </Notice>
    </div>
  );
}

/** What an action did, right where it was done; scrolled into view if the list had moved it away. */
function Feedback({ text }: { text: string }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (text) ref.current?.scrollIntoView({ block: 'nearest' });
  }, [text]);
  return (
    <p
      ref={ref}
      role="status"
      data-feedback
      className="rounded-md border border-cyan-200 bg-cyan-50 px-3 py-2 text-sm text-cyan-950"
    >
      {text}
    </p>
  );
}

function SuggestionsPanel(props: {
  notice: string | null;
  suggestions: Loadable<{
    tables: readonly TableSuggestionView[];
    confidentScore: number;
    unmatchedSourceTables: readonly string[];
  }>;
  isMapped: (source: string, target: string) => boolean;
  onAccept: (s: TableSuggestionView, confidentScore: number) => void;
  onAcceptAll: (view: { tables: readonly TableSuggestionView[]; confidentScore: number }) => void;
  onRetry: () => void;
}) {
  const { suggestions } = props;
  return (
    <section aria-labelledby="suggestions-title" className="rounded-lg border border-slate-200 bg-white">
      <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-3">
        <h2 id="suggestions-title" className="text-lg font-semibold">
          Auto-mapping suggestions
        </h2>
        {suggestions.state === 'ready' ? (
          <button
            type="button"
            className={buttonClass('primary', 'sm')}
            disabled={!suggestions.value.tables.some((t) => t.confident)}
            title={
              suggestions.value.tables.some((t) => t.confident)
                ? undefined
                : 'No suggestion is confident enough to accept without a look'
            }
            onClick={() => props.onAcceptAll(suggestions.value)}
          >
            Accept all confident
          </button>
        ) : null}
        {props.notice ? (
          <div className="basis-full">
            <Feedback text={props.notice} />
          </div>
        ) : null}
      </div>
      <div className="max-h-72 overflow-y-auto">
        {suggestions.state === 'failed' ? (
          <LoadFailure message={suggestions.message} onRetry={props.onRetry} />
        ) : suggestions.state !== 'ready' ? (
          <p className="p-4 text-sm text-slate-600" role="status">
            Reading both databases…
          </p>
        ) : suggestions.value.tables.length === 0 ? (
          <p className="p-4 text-sm text-slate-600">No table of the source resembles one of the target.</p>
        ) : (
          <table className="min-w-full text-left text-sm">
            <TableHead
              sticky
              columns={['Source', 'Target', 'Score', 'Columns', { label: 'Accept', hidden: true }]}
            />
            <tbody className="divide-y divide-slate-100">
              {suggestions.value.tables.map((s) => {
                const mapped = props.isMapped(s.source, s.target);
                return (
                  <tr key={`${s.sourceQualified}-${s.targetQualified}`}>
                    <td className="px-3 py-2 font-mono text-xs">{s.sourceQualified}</td>
                    <td className="px-3 py-2 font-mono text-xs">{s.targetQualified}</td>
                    <td className="px-3 py-2">
                      <ScoreBadge score={s.score} confident={s.confident} />
                    </td>
                    <td className="px-3 py-2 text-xs text-slate-600">
                      {s.columns.length} matched
                      {s.unmatchedTargetColumns.length > 0
                        ? `, ${s.unmatchedTargetColumns.length} target unmatched`
                        : ''}
                    </td>
                    <td className="px-3 py-2 text-right">
                      {mapped ? (
                        <span className="text-xs font-semibold text-emerald-800">✓ mapped</span>
                      ) : (
                        <RowAction
                          verb="Accept"
                          target={`${s.source} → ${s.target}`}
                          onClick={() => props.onAccept(s, suggestions.value.confidentScore)}
                        />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}

function TableList(props: {
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

function NewTableForm(props: {
  selectedSource: string | null;
  onAdd: (name: string) => void;
  dialect: 'postgres' | 'mysql' | 'sqlite';
  otherNames: readonly string[];
}) {
  const id = useId();
  const [name, setName] = useState('');
  const trimmed = name.trim();
  const verdict = trimmed ? checkNewTableName(trimmed, props.dialect, props.otherNames) : null;
  const invalid = verdict?.verdict === 'invalid';
  const unusual = verdict?.verdict === 'unusual';
  const add = (value: string) => {
    if (!props.selectedSource || !value) return;
    props.onAdd(value);
    setName('');
  };
  return (
    <form
      className="flex flex-wrap items-end gap-2 rounded-lg border border-dashed border-slate-300 bg-white p-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (!invalid) add(trimmed);
      }}
    >
      <div className="min-w-48 flex-1">
        <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
          Or load into a new target table
        </label>
        <input
          id={id}
          className={inputClass(invalid)}
          placeholder={
            props.selectedSource ? props.selectedSource.toLowerCase() : 'select a source table first'
          }
          value={name}
          aria-invalid={invalid}
          aria-describedby={verdict && verdict.verdict !== 'ok' ? `${id}-check` : undefined}
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <button
        type="submit"
        className={buttonClass(unusual ? 'danger' : 'secondary', 'sm')}
        disabled={!props.selectedSource || !trimmed || invalid}
      >
        {unusual ? 'Use this name anyway' : 'Map to new table'}
      </button>
      {verdict?.verdict === 'invalid' ? (
        <p id={`${id}-check`} role="alert" className="basis-full text-xs font-medium text-red-700">
          “{trimmed}” cannot be created: {verdict.message}.
        </p>
      ) : verdict?.verdict === 'unusual' ? (
        <div id={`${id}-check`} role="status" className="basis-full text-xs text-amber-900">
          <p>
            “{trimmed}” is unusual: {verdict.reasons.join('; ')}.
          </p>
          {verdict.suggestion ? (
            <button
              type="button"
              className="mt-1 font-semibold text-cyan-800 underline"
              disabled={!props.selectedSource}
              onClick={() => add(verdict.suggestion!)}
            >
              Use {verdict.suggestion} instead
            </button>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
