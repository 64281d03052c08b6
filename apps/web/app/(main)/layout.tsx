import type { ReactNode } from 'react';
import { pageActor } from '../../lib/request-actor.ts';
import { AppShell } from '../_components/app-shell.tsx';
import { MainNav } from '../_components/main-nav.tsx';

export const dynamic = 'force-dynamic';

export default async function MainLayout({ children }: { children: ReactNode }) {
  const actor = await pageActor();
  return (
    <AppShell
      userName={actor.name}
      role={actor.role}
      sidebar={<MainNav admin={actor.role === 'admin'} />}
      sidebarLabel="Main"
    >
      {children}
    </AppShell>
  );
}
