import { can, getServiceContext, listExecutionHistory } from '@databridge/queue';
import { pageActor } from '../../../../../lib/request-actor.ts';
import { DeployToAirflow } from './deploy-airflow.tsx';
import { ExecutionMonitor } from './execution-monitor.tsx';
import { RunGrid } from './run-grid.tsx';

export const dynamic = 'force-dynamic';

const HISTORY_PAGE = 10;

interface Props {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/**
 * Step 6: the project's latest execution live (or the one `?execution=` names) and its history. Read
 * again on every navigation here, so that the bottom bar's Start shows the run it started.
 */
export default async function ExecuteStep({ params, searchParams }: Props) {
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const actor = await pageActor();
  const history = await listExecutionHistory(await getServiceContext(), {
    projectId: id,
    limit: HISTORY_PAGE,
  });
  const requested = typeof query.execution === 'string' ? query.execution : null;
  return (
    <>
      <ExecutionMonitor
        projectId={id}
        initialHistory={history}
        requested={requested}
        pageSize={HISTORY_PAGE}
        canRun={can(actor.role, 'run')}
        canEdit={can(actor.role, 'edit')}
      />
      <RunGrid projectId={id} canRun={can(actor.role, 'run')} />
      <DeployToAirflow projectId={id} canDeploy={can(actor.role, 'edit')} />
    </>
  );
}
