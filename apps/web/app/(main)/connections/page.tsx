import { getServiceContext, listConnectionViews } from '@databridge/queue';
import type { Metadata } from 'next';
import { ConnectionsManager } from './connections-manager.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Connections' };

import { pageActor } from '../../../lib/request-actor.ts';

export default async function ConnectionsPage() {
  await pageActor();
  const connections = await listConnectionViews(await getServiceContext());
  return <ConnectionsManager initial={connections} />;
}
