import { getServiceContext, listConnectionViews, listProjectSummaries } from '@databridge/queue';
import type { Metadata } from 'next';
import { ProjectsDashboard } from './projects-dashboard.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Projects' };

import { pageActor } from '../../../lib/request-actor.ts';

export default async function ProjectsPage() {
  await pageActor();
  const context = await getServiceContext();
  const [projects, connections] = await Promise.all([
    listProjectSummaries(context),
    listConnectionViews(context),
  ]);
  return (
    <ProjectsDashboard
      initial={projects}
      connections={connections.map((c) => ({ id: c.id, name: c.name, kind: c.kind }))}
    />
  );
}
