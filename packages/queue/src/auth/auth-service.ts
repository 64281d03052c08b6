import {
  appendAudit,
  clearLoginAttempts,
  countAdmins,
  createUser,
  emailKey,
  loginLimitState,
  recordLoginAttempt,
  type Store,
  sealSession,
  type User,
  verifyPassword,
} from '@databridge/store';
import { z } from 'zod';
import { ServiceError } from '../services/service-error.ts';
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
    email: z.email('is not an email address'),
    name: z.string().trim().min(1, 'is required').max(200),
    password: z.string().min(12, 'must be at least 12 characters').max(1024),
  })
  .strict();

/** Failed sign-ins allowed per account, and per client address, within the window. */
export const SIGN_IN_LIMITS = { perAccount: 5, perAddress: 20, windowMs: 15 * 60_000 } as const;

export interface SignedIn {
  readonly user: User;
  /** The sealed session for the cookie. */
  readonly session: string;
}

/**
 * Signs a person in by email and password. Rate-limited per account and per address (failed attempts
 * in a 15-minute window); one message for every refusal, so the form does not reveal which emails
 * have accounts; every attempt is in the audit log with its real reason.
 */
export async function signIn(ctx: Ctx, input: unknown, address: string): Promise<SignedIn> {
  const { email, password } = SignInInput.parse(input);
  const keys = [`account:${emailKey(email)}`, `address:${address}`];
  const limits = await Promise.all([
    loginLimitState(ctx.store, keys[0]!, {
      max: SIGN_IN_LIMITS.perAccount,
      windowMs: SIGN_IN_LIMITS.windowMs,
    }),
    loginLimitState(ctx.store, keys[1]!, {
      max: SIGN_IN_LIMITS.perAddress,
      windowMs: SIGN_IN_LIMITS.windowMs,
    }),
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
  await appendAudit(ctx.store, {
    actor: { kind: 'user', id: check.user.id, display: check.user.email },
    action: 'user.sign_in',
    target: { kind: 'user', id: check.user.id },
    ip: address,
  });
  return { user: check.user, session: sealFor(ctx, check.user) };
}

function sealFor(ctx: Ctx, user: User): string {
  return sealSession(ctx.env.sessionSecret, {
    userId: user.id,
    role: user.role,
    expiresAt: Date.now() + SESSION_HOURS * 3600_000,
  });
}

/** True until the first admin exists: the one-time setup page shows only then. */
export async function needsSetup(ctx: { store: Store }): Promise<boolean> {
  return (await countAdmins(ctx.store)) === 0;
}

/** Creates the first admin through the setup page; refused (409) once any admin exists. */
export async function setUpFirstAdmin(ctx: Ctx, input: unknown, address: string): Promise<SignedIn> {
  const { email, name, password } = SetupInput.parse(input);
  if (!(await needsSetup(ctx))) throw new ServiceError('conflict', 'DataBridge is set up already: sign in');
  const user = await createUser(ctx.store, { email, name, password, role: 'admin' });
  await appendAudit(ctx.store, {
    actor: { kind: 'user', id: user.id, display: user.email },
    action: 'user.setup_admin',
    target: { kind: 'user', id: user.id },
    ip: address,
  });
  return { user, session: sealFor(ctx, user) };
}
