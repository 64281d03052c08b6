'use client';

import type { TableSuggestionView } from '@databridge/queue';
import { formatScore } from '../../../../../lib/format.ts';
import { TableHead } from '../../../../_components/data-table.tsx';
import { RowAction } from '../../../../_components/row-actions.tsx';
import { buttonClass } from '../../../../_components/ui.tsx';
import { Feedback, LoadFailure } from './load-feedback.tsx';
import type { SuggestionList } from './table-choice.ts';
import type { Loadable } from './wizard-context.tsx';

/** A suggestion's score, green when confident enough to accept without a look. */
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

/** The server's table pairs by name and columns, to accept one by one or all the confident ones. */
export function SuggestionsPanel(props: {
  notice: string | null;
  suggestions: Loadable<{
    tables: readonly TableSuggestionView[];
    confidentScore: number;
    unmatchedSourceTables: readonly string[];
  }>;
  isMapped: (source: string, target: string) => boolean;
  onAccept: (s: TableSuggestionView, confidentScore: number) => void;
  onAcceptAll: (view: SuggestionList) => void;
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
