import type { ReactNode } from 'react';

/** A column of a monitor table: its header, and whether it holds numbers (right-aligned). */
export interface CountsColumn {
  readonly key: string;
  readonly header: ReactNode;
  readonly numeric?: boolean;
}

/**
 * The small tables under a stage in step 6 (its tasks, the extract's and the cleanse's counts): one
 * look for their headers and cells. `children` are the body's rows, their cells made with `cellClass`.
 */
export function CountsTable(props: {
  readonly label?: string;
  readonly columns: readonly CountsColumn[];
  readonly bodyClassName: string;
  readonly children: ReactNode;
}) {
  return (
    <table className="min-w-full text-left text-xs" aria-label={props.label}>
      <thead className="text-slate-600">
        <tr>
          {props.columns.map((c) => (
            <th key={c.key} scope="col" className={cellClass(c.numeric)}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className={props.bodyClassName}>{props.children}</tbody>
    </table>
  );
}

/** The padding of a monitor table's cell; numbers right-aligned. */
export function cellClass(numeric = false): string {
  return numeric ? 'px-2 py-1 text-right' : 'px-2 py-1';
}
