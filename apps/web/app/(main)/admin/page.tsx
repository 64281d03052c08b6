import type { Metadata } from 'next';
import { pageActor } from '../../../lib/request-actor.ts';
import { PageTitle } from '../../_components/ui.tsx';
import { AdminConsole } from './admin-console.tsx';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Administration' };

export default async function AdminPage() {
  await pageActor('admin');
  return (
    <>
      <PageTitle title="Administration" description="Users and their roles, API keys, and the audit log." />
      <AdminConsole />
    </>
  );
}
