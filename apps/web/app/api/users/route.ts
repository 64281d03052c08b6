import { createUserAccount, listUserAccounts } from '@databridge/queue';
import { z } from 'zod';
import { route } from '../../../lib/api.ts';

export const dynamic = 'force-dynamic';

export const GET = route('admin', async ({ context }) => ({ data: await listUserAccounts(context) }));

/** `{ email, name, password, role }` → 201. */
export const POST = route('admin', async (call) => ({
  data: await createUserAccount(call.context, await call.body(z.looseObject({})), {
    actor: call.actor!,
    ip: call.ip,
  }),
  status: 201,
}));
