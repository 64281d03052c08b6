'use client';

import type { ProjectSummary } from '@databridge/queue';
import Link from 'next/link';
import type { ComponentProps } from 'react';
import { formatTime } from '../../../lib/format.ts';
import { ConfirmDelete } from '../../_components/row-actions.tsx';
import { buttonClass, StatusBadge } from '../../_components/ui.tsx';
import { lastRunAt } from './projects-model.ts';

/** A project in the list: its connections, tables, last and next run, and Open, Export, Delete. */
export function ProjectRow(props: {
  project: ProjectSummary;
  confirmDelete: ComponentProps<typeof ConfirmDelete>;
}) {
  const { project } = props;
  return (
    <tr>
      <td className="px-4 py-3">
        <Link
          href={`/projects/${project.id}/tables`}
          className="font-semibold text-cyan-800 underline-offset-2 hover:underline"
        >
          {project.name}
        </Link>
        {project.description ? <p className="text-xs text-slate-600">{project.description}</p> : null}
      </td>
      <td className="px-4 py-3">
        {project.source?.name ?? '?'} <span aria-hidden="true">→</span>
        <span className="sr-only">to</span> {project.target?.name ?? '?'}
      </td>
      <td className="px-4 py-3 tabular-nums">{project.tableMappings}</td>
      <td className="px-4 py-3">
        {project.lastExecution ? (
          <span className="flex flex-wrap items-center gap-2">
            <StatusBadge status={project.lastExecution.status} />
            <span className="text-xs text-slate-600">{formatTime(lastRunAt(project.lastExecution))}</span>
          </span>
        ) : (
          <span className="text-slate-500">never run</span>
        )}
      </td>
      <td className="px-4 py-3" data-next-run={project.nextRun.state}>
        <NextRunCell nextRun={project.nextRun} />
      </td>
      <td className="px-4 py-3">
        <div className="flex flex-wrap justify-end gap-2">
          <Link href={`/projects/${project.id}/tables`} className={buttonClass('secondary', 'sm')}>
            Open<span className="sr-only"> {project.name}</span>
          </Link>
          <a
            href={`/api/projects/${project.id}/export?format=yaml`}
            className={buttonClass('secondary', 'sm')}
            download
          >
            Export<span className="sr-only"> {project.name} as YAML</span>
          </a>
          <ConfirmDelete {...props.confirmDelete} />
        </div>
      </td>
    </tr>
  );
}

/** The timetable's next run in the project's own time zone, or why there is none. */
function NextRunCell({ nextRun }: { nextRun: ProjectSummary['nextRun'] }) {
  switch (nextRun.state) {
    case 'scheduled':
      return (
        <time dateTime={nextRun.at} className="tabular-nums">
          {nextRun.local} <span className="text-xs text-slate-600">{nextRun.timezone}</span>
        </time>
      );
    case 'paused':
      return <span className="text-amber-800">paused</span>;
    case 'invalid':
      return <span className="text-red-700">schedule invalid: {nextRun.message}</span>;
    default:
      return <span className="text-slate-500">not scheduled</span>;
  }
}
