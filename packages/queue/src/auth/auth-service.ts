import { peopleError } from '@databridge/engine';
import {
  appendAudit,
  clearLoginAttempts,
  countAdmins,
  createSession,
  createUser,
  emailKey,
  endSession,
  endUserSessions,
  loginBackoffState,
  loginLimitState,
  pruneLoginAttempts,
  pruneSessions,
  recordLoginAttempt,
  type Store,
  sealSession,
  type User,
  verifyPassword,
} from '@databridge/store';
import { z } from 'zod';
import { ServiceError } from '../services/service-error.ts';
import type { Actor } from './actor.ts';
import { limitNetwork } from './client-address.ts';
import { SESSION_HOURS } from './session-cookie.ts';

type Ctx = { store: Store; env: { sessionSecret: string } };

export const SignInInput = z
  .object({
    email: z.string().trim().min(1, 'is required').max(320),
    password: z.string().min(1, 'is required').max(1024),
  })
  .strict();

export const SetupInput = z
  .object({
    email: z.email(),
    name: z.string().trim().min(1, 'is required').max(200),
    password: z.string().min(12, 'must be at least 12 characters').max(1024),
  })
  .strict();

/**
 * The sign-in limits. Failures count per account and address together, with a wait that doubles
 * after the fifth (30 s, 1 min, 2 min, … up to 15 min), so someone guessing from one address cannot
 * lock the owner out from theirs; and per address over every account (50 in 15 minutes), so one
 * address cannot try many accounts.
 */
export const SIGN_IN_LIMITS = {
  perAccountAddress: { free: 5, baseDelayMs: 30_000, maxDelayMs: 15 * 60_000, windowMs: 24 * 3600_000 },
  perAddress: { max: 50, windowMs: 15 * 60_000 },
} as const;

export interface SignedIn {
  readonly user: User;
  /** The sealed session for the cookie. */
  readonly session: string;
}

/**
 * Signs a person in by email and password. Rate-limited per account and address together, and per
 * address (SIGN_IN_LIMITS); one message for every refusal, so the form does not reveal which emails
 * have accounts; every attempt is in the audit log with its real reason.
 */
export async function signIn(ctx: Ctx, input: unknown, address: string): Promise<SignedIn> {
  const { email, password } = SignInInput.parse(input, { error: peopleError });
  // Without a known address (the app not run by `databridge serve`) every client would share one
  // per-address count, and 50 failures would stop everyone signing in: only the account counts then.
  const perAddress = address !== 'unknown';
  const network = limitNetwork(address);
  const keys = [
    `account-address:${emailKey(email)} ${network}`,
    ...(perAddress ? [`address:${network}`] : []),
  ];
  const limits = await Promise.all([
    loginBackoffState(ctx.store, keys[0]!, SIGN_IN_LIMITS.perAccountAddress),
    ...(perAddress ? [loginLimitState(ctx.store, keys[1]!, SIGN_IN_LIMITS.perAddress)] : []),
  ]);
  const limited = limits.find((l) => l.limited);
  if (limited) {
    await appendAudit(ctx.store, {
      actor: { kind: 'system', id: null, display: email },
      action: 'user.sign_in_limited',
      ip: address,
    });
    throw new ServiceError('rate_limited', `too many failed sign-ins; try again after ${limited.retryAt}`);
  }
  const check = await verifyPassword(ctx.store, email, password);
  if (!check.ok) {
    for (const key of keys) await recordLoginAttempt(ctx.store, key);
    await appendAudit(ctx.store, {
      actor: { kind: 'system', id: null, display: email },
      action: 'user.sign_in_failed',
      ip: address,
      details: { reason: check.reason },
    });
    throw new ServiceError('unauthorized', 'the email or the password is wrong');
  }
  await clearLoginAttempts(ctx.store, keys[0]!);
  // Housekeeping at a pace set by real sign-ins: what no limit or session can use any more goes.
  const dayAgo = Date.now() - 24 * 3600_000;
  await pruneSessions(ctx.store, dayAgo);
  await pruneLoginAttempts(ctx.store, dayAgo);
  await appendAudit(ctx.store, {
    actor: { kind: 'user', id: check.user.id, display: check.user.email },
    action: 'user.sign_in',
    target: { kind: 'user', id: check.user.id },
    ip: address,
  });
  return { user: check.user, session: await startSession(ctx, check.user) };
}

/** Records a new server-side session for `user` and seals its cookie value. */
export async function startSession(ctx: Ctx, user: Pick<User, 'id' | 'role'>): Promise<string> {
  const expiresAt = Date.now() + SESSION_HOURS * 3600_000;
  const sessionId = await createSession(ctx.store, { userId: user.id, expiresAt });
  return sealSession(ctx.env.sessionSecret, { sessionId, userId: user.id, role: user.role, expiresAt });
}

/**
 * Signs out: ends the session the request came with on the server, so its cookie (and any copy of
 * it) stops working. Nothing to do for an API key or no credentials.
 */
export async function signOut(ctx: { store: Store }, actor: Actor | null, address: string): Promise<void> {
  if (!actor?.sessionId) return;
  await endSession(ctx.store, actor.sessionId);
  await appendAudit(ctx.store, {
    actor: { kind: 'user', id: actor.id, display: actor.display },
    action: 'user.sign_out',
    target: { kind: 'user', id: actor.id },
    ip: address,
  });
}

/** Ends every session of the actor's user, this one included ("sign out everywhere"); returns how many. */
export async function signOutEverywhere(
  ctx: { store: Store },
  actor: Actor,
  address: string,
): Promise<number> {
  const ended = await endUserSessions(ctx.store, actor.ownerId);
  await appendAudit(ctx.store, {
    actor: { kind: actor.kind, id: actor.id, display: actor.display },
    action: 'user.sign_out_everywhere',
    target: { kind: 'user', id: actor.ownerId },
    ip: address,
    details: { sessions: ended },
  });
  return ended;
}

/** True until the first admin exists: the one-time setup page shows only then. */
export async function needsSetup(ctx: { store: Store }): Promise<boolean> {
  return (await countAdmins(ctx.store)) === 0;
}

/** Creates the first admin through the setup page; refused (409) once any admin exists. */
export async function setUpFirstAdmin(ctx: Ctx, input: unknown, address: string): Promise<SignedIn> {
  const { email, name, password } = SetupInput.parse(input, { error: peopleError });
  if (!(await needsSetup(ctx))) throw new ServiceError('conflict', 'DataBridge is set up already: sign in');
  const user = await createUser(ctx.store, { email, name, password, role: 'admin' });
  await appendAudit(ctx.store, {
    actor: { kind: 'user', id: user.id, display: user.email },
    action: 'user.setup_admin',
    target: { kind: 'user', id: user.id },
    ip: address,
  });
  return { user, session: await startSession(ctx, user) };
}
