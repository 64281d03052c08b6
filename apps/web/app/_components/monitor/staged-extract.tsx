import { type CountsColumn, CountsTable, cellClass } from './counts-table.tsx';
import type { StageView } from './execution-types.ts';
import { formatRows } from './monitor-format.ts';

type Extract = NonNullable<StageView['extract']>;

const COLUMNS: readonly CountsColumn[] = [
  { key: 'table', header: 'Table' },
  { key: 'staged', header: 'Rows staged', numeric: true },
  { key: 'ranges', header: 'Key ranges done', numeric: true },
];

/**
 * The extract of a staged execution, under its extract stage: per table, the rows copied into the
 * staging database of the rows to copy (committed batches only), and the key ranges done.
 */
export function StagedExtract(props: { extract: Extract; mappingLabel: (mappingId: string) => string }) {
  return (
    <CountsTable label="Extract into the staging database" columns={COLUMNS} bodyClassName="tabular-nums">
      {props.extract.map((e) => (
        <tr key={e.mappingId} data-mapping={e.mappingId}>
          <td className={cellClass()}>{props.mappingLabel(e.mappingId)}</td>
          <td className={cellClass(true)} data-staged={e.rowsStaged}>
            {formatRows(e.rowsStaged)} of {e.rowsTotalIsEstimate ? 'about ' : ''}
            {formatRows(e.rowsTotal)}
          </td>
          <td className={cellClass(true)}>
            {e.tasksDone}/{e.tasks}
          </td>
        </tr>
      ))}
    </CountsTable>
  );
}
