import { getServiceContext } from '@databridge/queue';
import { PipelineForm } from '../_wizard/pipeline-form.tsx';

export const dynamic = 'force-dynamic';

/** Step 3. Whether the server has a staging database decides whether staging is offered; the URL stays here. */
export default async function PipelineStep() {
  const { env } = await getServiceContext();
  return <PipelineForm stagingConfigured={env.staging !== undefined} />;
}
