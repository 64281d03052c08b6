import { revokeApiKeyForActor } from '@databridge/queue';
import { z } from 'zod';
import { route } from '../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** Revokes the key: requests with it are refused from now on. */
export const DELETE = route<{ id: string }>('admin', async (call) => ({
  data: await revokeApiKeyForActor(call.context, call.id(z.string().trim().min(1).max(100)), {
    actor: call.actor!,
    ip: call.ip,
  }),
}));
