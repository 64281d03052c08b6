'use client';

import type { ConnectionView } from '@databridge/queue';
import type { ComponentProps } from 'react';
import { kindFacts } from '../../../lib/client-safe.ts';
import { formatTime } from '../../../lib/format.ts';
import { ConfirmDelete, RowAction } from '../../_components/row-actions.tsx';
import type { TestState } from './connection-draft.ts';

/** A saved connection: its kind and URL, its last test, and Test, Edit and Delete. */
export function ConnectionRow(props: {
  connection: ConnectionView;
  test: TestState | undefined;
  onTest: () => void;
  onEdit: () => void;
  confirmDelete: ComponentProps<typeof ConfirmDelete>;
}) {
  const { connection, test } = props;
  return (
    <li className="flex flex-wrap items-center gap-3 px-4 py-3">
      <div className="min-w-0 flex-1">
        <p className="font-semibold">
          {connection.name}{' '}
          <span className="ml-1 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700">
            {kindFacts(connection.kind).label}
          </span>
        </p>
        <p className="truncate font-mono text-xs text-slate-600" title={connection.url}>
          {connection.url}
        </p>
        {test ? (
          <p
            role="status"
            className={`mt-1 text-xs font-medium ${
              test.pending ? 'text-slate-600' : test.ok ? 'text-emerald-800' : 'text-red-700'
            }`}
          >
            {test.pending ? 'Testing…' : `${test.ok ? '✓' : '✗'} ${test.message}`}
            {!test.pending && test.testedAt ? (
              <span className="font-normal text-slate-600">
                {' '}
                · tested <time dateTime={test.testedAt}>{formatTime(test.testedAt)}</time>
              </span>
            ) : null}
          </p>
        ) : null}
      </div>
      <div className="flex flex-wrap gap-2">
        <RowAction
          verb="Test"
          target={connection.name}
          onClick={props.onTest}
          disabled={test?.pending === true}
        />
        <RowAction verb="Edit" target={connection.name} onClick={props.onEdit} />
        <ConfirmDelete {...props.confirmDelete} />
      </div>
    </li>
  );
}
