import { updateUserAccount } from '@databridge/queue';
import { z } from 'zod';
import { route } from '../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

const UserId = z.string().trim().min(1, 'is required').max(100);

/** `{ name?, role?, disabled? }`; the last enabled admin cannot be demoted or disabled (409). */
export const PATCH = route<{ id: string }>('admin', async (call) => ({
  data: await updateUserAccount(call.context, call.id(UserId), await call.body(z.looseObject({})), {
    actor: call.actor!,
    ip: call.ip,
  }),
}));
