import { dropStagingForActor } from '@databridge/queue';
import { z } from 'zod';
import { route } from '../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** Drops a run's staging schema (`id`: the run id or the schema name); an active run's is refused. */
export const DELETE = route<{ id: string }>('admin', async (call) => ({
  data: await dropStagingForActor(call.context, call.id(z.string().trim().min(1).max(100)), {
    actor: call.actor!,
    ip: call.ip,
  }),
}));
