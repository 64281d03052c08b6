import { testConnectionDraft } from '@databridge/queue';
import { z } from 'zod';
import { route } from '../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** The form's fields; the service checks them with the create or (with `id`) the edit schema. */
const DraftBody = z.record(z.string(), z.unknown());

/**
 * Tests a connection form before it is saved: `{ ok, latencyMs, message }`, 200 even when the
 * database does not answer, so the form can ask before saving one that fails. Stores nothing.
 */
export const POST = route('edit', async (call) => ({
  data: await testConnectionDraft(call.context, await call.body(DraftBody)),
}));
