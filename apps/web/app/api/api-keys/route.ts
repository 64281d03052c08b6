import { createApiKeyForActor, listApiKeyViews } from '@databridge/queue';
import { z } from 'zod';
import { route } from '../../../lib/api.ts';

export const dynamic = 'force-dynamic';

export const GET = route('admin', async ({ context }) => ({ data: await listApiKeyViews(context) }));

/** `{ name, role, expiresAt? }` → 201 with `key`: the whole key, shown this once and never again. */
export const POST = route('admin', async (call) => ({
  data: await createApiKeyForActor(call.context, await call.body(z.looseObject({})), {
    actor: call.actor!,
    ip: call.ip,
  }),
  status: 201,
}));
