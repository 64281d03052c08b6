import { getArtefactStoreHealth, getServiceContext } from '@databridge/queue';
import type { Metadata } from 'next';
import { pageActor } from '../../../lib/request-actor.ts';
import { PageTitle } from '../../_components/ui.tsx';
import { AdminConsole } from './admin-console.tsx';
import { ArtefactStoreHealthPanel } from './artefact-store-health.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Administration' };

export default async function AdminPage() {
  await pageActor('admin');
  const health = await getArtefactStoreHealth(await getServiceContext());
  return (
    <>
      <PageTitle
        title="Administration"
        description="Users and their roles, API keys, the audit log, and where artefacts are kept."
      />
      <ArtefactStoreHealthPanel health={health} />
      <AdminConsole />
    </>
  );
}
