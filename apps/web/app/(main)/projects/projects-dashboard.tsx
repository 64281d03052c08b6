'use client';

import type { ProjectSummary } from '@databridge/queue';
import Link from 'next/link';
import { useState } from 'react';
import { api } from '../../../lib/api-client.ts';
import { Banner, type BannerMessage, reportInBanner } from '../../_components/api-form.tsx';
import { TableCard } from '../../_components/data-table.tsx';
import { useConfirmDelete } from '../../_components/row-actions.tsx';
import { buttonClass, Notice, PageTitle } from '../../_components/ui.tsx';
import { CreateProjectForm } from './create-project-form.tsx';
import { ImportProjectForm } from './import-project-form.tsx';
import { ProjectRow } from './project-row.tsx';
import type { ConnectionOption } from './projects-model.ts';

/** The projects with their last and next run; new ones created here or imported from a spec file. */
export function ProjectsDashboard(props: { initial: ProjectSummary[]; connections: ConnectionOption[] }) {
  const [projects, setProjects] = useState(props.initial);
  const [panel, setPanel] = useState<'create' | 'import' | null>(
    props.initial.length === 0 ? 'create' : null,
  );
  const [banner, setBanner] = useState<BannerMessage | null>(null);

  const confirmDelete = useConfirmDelete((project: ProjectSummary) =>
    reportInBanner(setBanner, `Deleted project “${project.name}” and its history.`, async () => {
      await api(`/api/projects/${project.id}`, { method: 'DELETE' });
      setProjects((list) => list.filter((p) => p.id !== project.id));
    }),
  );

  return (
    <div className="mx-auto max-w-6xl">
      <PageTitle
        title="Projects"
        description="Each project moves tables from a source database to a target database."
        actions={
          <>
            <button type="button" className={buttonClass('secondary')} onClick={() => setPanel('import')}>
              Import spec
            </button>
            <button type="button" className={buttonClass('primary')} onClick={() => setPanel('create')}>
              New project
            </button>
          </>
        }
      />
      <Banner message={banner} />
      {props.connections.length < 1 ? (
        <div className="mb-4">
          <Notice tone="info">
            A project needs saved connections first.{' '}
            <Link href="/connections" className="font-semibold underline">
              Add connections
            </Link>
          </Notice>
        </div>
      ) : panel === 'create' ? (
        <CreateProjectForm connections={props.connections} onCancel={() => setPanel(null)} />
      ) : panel === 'import' ? (
        <ImportProjectForm connections={props.connections} onCancel={() => setPanel(null)} />
      ) : null}

      <section aria-labelledby="project-list" className="mt-6">
        <h2 id="project-list" className="sr-only">
          All projects
        </h2>
        {projects.length === 0 ? (
          <p className="text-sm text-slate-600">No projects yet.</p>
        ) : (
          <TableCard
            cellPadding="px-4 py-2"
            columns={[
              'Project',
              'Source → target',
              'Tables',
              'Last execution',
              'Next run',
              { label: 'Actions', hidden: true },
            ]}
          >
            {projects.map((project) => (
              <ProjectRow key={project.id} project={project} confirmDelete={confirmDelete(project)} />
            ))}
          </TableCard>
        )}
      </section>
    </div>
  );
}
