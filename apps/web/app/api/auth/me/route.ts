import { route } from '../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** Who is signed in (or which API key is used), with the role. */
export const GET = route('read', async ({ actor }) => ({
  data: { kind: actor!.kind, id: actor!.id, name: actor!.name, display: actor!.display, role: actor!.role },
}));
