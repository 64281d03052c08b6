import type { Actor } from '../../src/auth/actor.ts';

/** A signed-in admin, as the services see the person behind an admin-page call. */
export const ADMIN_ACTOR: Actor = {
  kind: 'user',
  id: 'u1',
  display: 'ada@example.com',
  role: 'admin',
  name: 'Ada',
  ownerId: 'u1',
  sessionId: null,
};
