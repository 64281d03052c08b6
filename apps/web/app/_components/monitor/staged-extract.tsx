import type { StageView } from './execution-types.ts';
import { formatRows } from './monitor-format.ts';

type Extract = NonNullable<StageView['extract']>;

/**
 * The extract of a staged execution, under its extract stage: per table, the rows copied into the
 * staging database of the rows to copy (committed batches only), and the key ranges done.
 */
export function StagedExtract(props: { extract: Extract; mappingLabel: (mappingId: string) => string }) {
  return (
    <table className="min-w-full text-left text-xs" aria-label="Extract into the staging database">
      <thead className="text-slate-600">
        <tr>
          <th scope="col" className="px-2 py-1">
            Table
          </th>
          <th scope="col" className="px-2 py-1 text-right">
            Rows staged
          </th>
          <th scope="col" className="px-2 py-1 text-right">
            Key ranges done
          </th>
        </tr>
      </thead>
      <tbody className="tabular-nums">
        {props.extract.map((e) => (
          <tr key={e.mappingId} data-mapping={e.mappingId}>
            <td className="px-2 py-1">{props.mappingLabel(e.mappingId)}</td>
            <td className="px-2 py-1 text-right" data-staged={e.rowsStaged}>
              {formatRows(e.rowsStaged)} of {e.rowsTotalIsEstimate ? 'about ' : ''}
              {formatRows(e.rowsTotal)}
            </td>
            <td className="px-2 py-1 text-right">
              {e.tasksDone}/{e.tasks}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
