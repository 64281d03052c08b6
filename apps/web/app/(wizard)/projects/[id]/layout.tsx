import { can, getProjectView, getServiceContext, hideAlertSecrets, ServiceError } from '@databridge/queue';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { pageActor } from '../../../../lib/request-actor.ts';
import { AppShell } from '../../../_components/app-shell.tsx';
import { WizardActions } from './_wizard/wizard-actions.tsx';
import { WizardProvider } from './_wizard/wizard-context.tsx';
import { WizardHeader } from './_wizard/wizard-header.tsx';
import { WizardSteps } from './_wizard/wizard-steps.tsx';

export const dynamic = 'force-dynamic';

interface Props {
  children: ReactNode;
  params: Promise<{ id: string }>;
}

async function loadProject(id: string) {
  const actor = await pageActor();
  try {
    const project = await getProjectView(await getServiceContext(), id);
    // The page is HTML a viewer can save: the webhook URL is a secret they do not get.
    return can(actor.role, 'edit') ? project : hideAlertSecrets(project);
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'not_found') notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: Omit<Props, 'children'>): Promise<Metadata> {
  const { id } = await params;
  const project = await loadProject(id);
  return { title: project.name };
}

/** The wizard of one project: its header, its steps and its action bar around the current step. */
export default async function WizardLayout({ children, params }: Props) {
  const { id } = await params;
  const actor = await pageActor();
  const project = await loadProject(id);
  return (
    <WizardProvider project={project}>
      <AppShell
        userName={actor.name}
        role={actor.role}
        header={<WizardHeader />}
        sidebar={<WizardSteps />}
        sidebarLabel="Wizard steps"
        footer={<WizardActions />}
      >
        {children}
      </AppShell>
    </WizardProvider>
  );
}
