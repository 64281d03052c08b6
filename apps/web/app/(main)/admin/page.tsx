import { getArtefactStoreHealth, getServiceContext, getStagingOverview } from '@databridge/queue';
import type { Metadata } from 'next';
import { pageActor } from '../../../lib/request-actor.ts';
import { PageTitle } from '../../_components/ui.tsx';
import { AdminConsole } from './admin-console.tsx';
import { ArtefactStoreHealthPanel } from './artefact-store-health.tsx';
import { StagingPanel } from './staging-panel.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Administration' };

export default async function AdminPage() {
  await pageActor('admin');
  const context = await getServiceContext();
  const [health, staging] = await Promise.all([getArtefactStoreHealth(context), getStagingOverview(context)]);
  return (
    <>
      <PageTitle
        title="Administration"
        description="Users and their roles, API keys, the audit log, where artefacts are kept, and what the staging database holds."
      />
      <ArtefactStoreHealthPanel health={health} />
      <StagingPanel overview={staging} />
      <AdminConsole />
    </>
  );
}
