import type { StageView } from './execution-types.ts';
import { formatRows } from './monitor-format.ts';

type Cleanse = NonNullable<StageView['cleanse']>;

const STEP_LABELS: Record<Cleanse[number]['steps'][number]['step'], string> = {
  transforms: 'Transformations',
  types: 'Type checks',
  checks: 'Checks',
  dedupe: 'Duplicates',
};

/**
 * The cleanse of a staged execution, under its transform stage: per table, the rows staged, the rows
 * each step took out (their reasons are in the rejects) and the rows left to load, so that the
 * counts visibly add up.
 */
export function CleanseCounts(props: { cleanse: Cleanse; mappingLabel: (mappingId: string) => string }) {
  const steps = props.cleanse[0]?.steps.map((s) => s.step) ?? [];
  return (
    <table className="min-w-full text-left text-xs" aria-label="Cleanse in the staging database">
      <thead className="text-slate-600">
        <tr>
          <th scope="col" className="px-2 py-1">
            Table
          </th>
          <th scope="col" className="px-2 py-1 text-right">
            Staged
          </th>
          {steps.map((step) => (
            <th key={step} scope="col" className="px-2 py-1 text-right">
              {STEP_LABELS[step]} taken out
            </th>
          ))}
          <th scope="col" className="px-2 py-1 text-right">
            Left to load
          </th>
        </tr>
      </thead>
      <tbody className="tabular-nums">
        {props.cleanse.map((c) => (
          <tr key={c.mappingId} data-mapping={c.mappingId}>
            <td className="px-2 py-1">{props.mappingLabel(c.mappingId)}</td>
            <td className="px-2 py-1 text-right">{formatRows(c.staged)}</td>
            {c.steps.map((s) => (
              <td key={s.step} className="px-2 py-1 text-right" data-step={s.step}>
                {formatRows(s.rejected)}
              </td>
            ))}
            <td className="px-2 py-1 text-right">{formatRows(c.passed)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
