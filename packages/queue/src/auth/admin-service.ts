import { peopleError } from '@databridge/engine';
import {
  AUDIT_ACTOR_KINDS,
  createApiKey,
  createUser,
  getApiKey,
  getUser,
  listApiKeys,
  listAudit,
  listUsers,
  revokeApiKey,
  type Store,
  USER_ROLES,
  updateUser,
} from '@databridge/store';
import { z } from 'zod';
import { ServiceError } from '../services/service-error.ts';
import type { Actor } from './actor.ts';
import { audit } from './audit.ts';

type Ctx = { store: Store };
export interface RequestInfo {
  readonly actor: Actor;
  readonly ip: string | null;
}

export const CreateUserInput = z
  .object({
    email: z.email(),
    name: z.string().trim().min(1, 'is required').max(200),
    password: z.string().min(12, 'must be at least 12 characters').max(1024),
    role: z.enum(USER_ROLES),
  })
  .strict();

export const UpdateUserInput = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200).optional(),
    role: z.enum(USER_ROLES).optional(),
    disabled: z.boolean().optional(),
  })
  .strict();

export const CreateApiKeyInput = z
  .object({
    name: z.string().trim().min(1, 'is required').max(200),
    role: z.enum(USER_ROLES),
    expiresAt: z.iso.datetime({ offset: true, message: 'must be an ISO date-time' }).optional(),
  })
  .strict();

export const AuditQueryInput = z
  .object({
    actorKind: z.enum(AUDIT_ACTOR_KINDS).optional(),
    actorId: z.string().min(1).optional(),
    action: z.string().min(1).optional(),
    targetKind: z.string().min(1).optional(),
    targetId: z.string().min(1).optional(),
    from: z.iso.datetime({ offset: true, message: 'must be an ISO date-time' }).optional(),
    to: z.iso.datetime({ offset: true, message: 'must be an ISO date-time' }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().min(1).optional(),
  })
  .strict();

export async function listUserAccounts(ctx: Ctx) {
  return { users: await listUsers(ctx.store) };
}

export async function createUserAccount(ctx: Ctx, input: unknown, request: RequestInfo) {
  const parsed = CreateUserInput.parse(input, { error: peopleError });
  const user = await createUser(ctx.store, parsed);
  await audit(
    ctx,
    request.actor,
    'user.create',
    { kind: 'user', id: user.id },
    {
      ip: request.ip,
      details: { after: { email: user.email, name: user.name, role: user.role } },
    },
  );
  return user;
}

export async function updateUserAccount(ctx: Ctx, id: string, input: unknown, request: RequestInfo) {
  const patch = UpdateUserInput.parse(input, { error: peopleError });
  const before = await getUser(ctx.store, id);
  if (!before) throw new ServiceError('not_found', `There is no user ${id}`);
  const after = await updateUser(ctx.store, id, patch);
  await audit(
    ctx,
    request.actor,
    'user.update',
    { kind: 'user', id },
    {
      ip: request.ip,
      details: {
        before: { name: before.name, role: before.role, disabled: before.disabledAt !== null },
        after: { name: after.name, role: after.role, disabled: after.disabledAt !== null },
      },
    },
  );
  return after;
}

/** Creates an API key; the response holds the whole key, the only time it is ever shown. */
export async function createApiKeyForActor(ctx: Ctx, input: unknown, request: RequestInfo) {
  const parsed = CreateApiKeyInput.parse(input, { error: peopleError });
  const created = await createApiKey(ctx.store, {
    name: parsed.name,
    role: parsed.role,
    // A key made with a key belongs to that key's owner, so disabling or demoting the owner reaches it.
    createdBy: request.actor.ownerId,
    expiresAt: parsed.expiresAt ?? null,
  });
  await audit(
    ctx,
    request.actor,
    'api_key.create',
    { kind: 'api_key', id: created.apiKey.id },
    {
      ip: request.ip,
      details: {
        after: {
          name: parsed.name,
          role: parsed.role,
          prefix: created.apiKey.prefix,
          expiresAt: parsed.expiresAt ?? null,
        },
      },
    },
  );
  return { apiKey: created.apiKey, key: created.plaintext };
}

export async function listApiKeyViews(ctx: Ctx) {
  return { apiKeys: await listApiKeys(ctx.store) };
}

export async function revokeApiKeyForActor(ctx: Ctx, id: string, request: RequestInfo) {
  if (!(await getApiKey(ctx.store, id))) throw new ServiceError('not_found', `There is no API key ${id}`);
  await revokeApiKey(ctx.store, id);
  await audit(ctx, request.actor, 'api_key.revoke', { kind: 'api_key', id }, { ip: request.ip });
  return (await getApiKey(ctx.store, id))!;
}

export async function listAuditEntries(ctx: Ctx, input: unknown) {
  const query = AuditQueryInput.parse(input, { error: peopleError });
  const page = await listAudit(ctx.store, query).catch((error: unknown) => {
    throw new ServiceError('bad_input', `cursor: ${(error as Error).message}`);
  });
  return { entries: page.items, nextCursor: page.nextCursor };
}
