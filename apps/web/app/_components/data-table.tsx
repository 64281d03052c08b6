import type { ReactNode } from 'react';

/** A column of a table's header: `right` for numbers; `hidden` when only screen readers need its name. */
export interface HeaderColumn {
  readonly label: string;
  readonly align?: 'right';
  readonly hidden?: boolean;
}

/**
 * A table's `<thead>`: one `<th scope="col">` a column, a plain string being a visible, left-aligned
 * column. `cellPadding` is the body cells' padding (default `px-3 py-2`); `sticky` keeps the header
 * in view while the table scrolls.
 */
export function TableHead(props: {
  columns: readonly (string | HeaderColumn)[];
  cellPadding?: string;
  sticky?: boolean;
}) {
  const padding = props.cellPadding ?? 'px-3 py-2';
  return (
    <thead
      className={`${props.sticky ? 'sticky top-0 ' : ''}bg-slate-50 text-xs uppercase tracking-wide text-slate-600`}
    >
      <tr>
        {props.columns.map((column) => {
          const { label, align, hidden } = typeof column === 'string' ? { label: column } : column;
          return (
            <th key={label} scope="col" className={align === 'right' ? `${padding} text-right` : padding}>
              {hidden ? <span className="sr-only">{label}</span> : label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}

/**
 * A table of records in a white card that scrolls sideways when narrow: the header of `columns`,
 * then `children`, the body rows. `cellPadding` as in TableHead.
 */
export function TableCard(props: {
  columns: readonly (string | HeaderColumn)[];
  cellPadding?: string;
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-left text-sm">
        <TableHead columns={props.columns} cellPadding={props.cellPadding} />
        <tbody className="divide-y divide-slate-200">{props.children}</tbody>
      </table>
    </div>
  );
}
