import type { ReactNode } from 'react';
import { localUserName } from '../../lib/local-user.ts';
import { AppShell } from '../_components/app-shell.tsx';
import { MainNav } from '../_components/main-nav.tsx';

export default function MainLayout({ children }: { children: ReactNode }) {
  return (
    <AppShell userName={localUserName()} sidebar={<MainNav />} sidebarLabel="Main">
      {children}
    </AppShell>
  );
}
