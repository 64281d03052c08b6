import { type CountsColumn, CountsTable, cellClass } from './counts-table.tsx';
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
  const columns: CountsColumn[] = [
    { key: 'table', header: 'Table' },
    { key: 'staged', header: 'Staged', numeric: true },
    ...steps.map((step) => ({ key: step, header: `${STEP_LABELS[step]} taken out`, numeric: true })),
    { key: 'passed', header: 'Left to load', numeric: true },
  ];
  return (
    <CountsTable label="Cleanse in the staging database" columns={columns} bodyClassName="tabular-nums">
      {props.cleanse.map((c) => (
        <tr key={c.mappingId} data-mapping={c.mappingId}>
          <td className={cellClass()}>{props.mappingLabel(c.mappingId)}</td>
          <td className={cellClass(true)}>{formatRows(c.staged)}</td>
          {c.steps.map((s) => (
            <td key={s.step} className={cellClass(true)} data-step={s.step}>
              {formatRows(s.rejected)}
            </td>
          ))}
          <td className={cellClass(true)}>{formatRows(c.passed)}</td>
        </tr>
      ))}
    </CountsTable>
  );
}
