import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { StoreError } from './errors.ts';
import { USER_ROLES, type UserRole } from './roles.ts';
import { MIN_SECRET_LENGTH } from './secret-box.ts';
import { type TimeInput, toIso } from './values.ts';

/**
 * What a session cookie carries. The role is the one at sign-in: a server that must honour a
 * demotion or a disabled account at once loads the user on each request (getUser) rather than
 * trusting it.
 */
export interface SessionPayload {
  /** The server-side session (sessions-repository.ts): the cookie works only while it has not ended. */
  readonly sessionId: string;
  readonly userId: string;
  readonly role: UserRole;
  readonly issuedAt: string;
  readonly expiresAt: string;
}

export interface SessionInput {
  readonly sessionId: string;
  readonly userId: string;
  readonly role: UserRole;
  /** Defaults to now. */
  readonly issuedAt?: TimeInput;
  readonly expiresAt: TimeInput;
}

/**
 * Why a cookie was refused: `malformed` (not a token this code wrote), `invalid` (altered, or sealed
 * under another SESSION_SECRET: authenticated encryption cannot tell those apart), `expired`.
 */
export type SessionCheck =
  | { readonly ok: true; readonly session: SessionPayload }
  | { readonly ok: false; readonly reason: 'malformed' | 'invalid' | 'expired' };

const VERSION = 'v1';
// A label of its own: the cookie key is unrelated to the connection key (secret-box.ts) although
// both come from SESSION_SECRET, so neither can open what the other sealed.
const KEY_INFO = 'databridge/web/session-cookie/v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const Payload = z.object({
  sessionId: z.string().min(1),
  userId: z.string().min(1),
  role: z.enum(USER_ROLES),
  issuedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});

/**
 * Seals a session into an opaque cookie value, `v1.<base64url>`: AES-256-GCM (random 96-bit IV,
 * 128-bit tag) under a key derived from SESSION_SECRET with HKDF-SHA256, so the browser can neither
 * read nor change it. Changing SESSION_SECRET signs everyone out. Throws `bad_input` for a short
 * secret (a configuration error, not a bad cookie).
 */
export function sealSession(sessionSecret: string, input: SessionInput): string {
  const payload: SessionPayload = {
    sessionId: input.sessionId,
    userId: input.userId,
    role: input.role,
    issuedAt: toIso(input.issuedAt ?? Date.now()),
    expiresAt: toIso(input.expiresAt),
  };
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', cookieKey(sessionSecret), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(VERSION));
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

/**
 * Opens a cookie value sealed by sealSession, refusing (never throwing for) an altered, foreign or
 * expired one. `now` defaults to the current time.
 */
export function unsealSession(
  sessionSecret: string,
  token: string,
  options: { now?: TimeInput } = {},
): SessionCheck {
  const key = cookieKey(sessionSecret);
  const [version, encoded, ...rest] = token.split('.');
  if (version !== VERSION || !encoded || rest.length > 0 || !/^[A-Za-z0-9_-]+$/.test(encoded)) {
    return { ok: false, reason: 'malformed' };
  }
  const bytes = Buffer.from(encoded, 'base64url');
  if (bytes.length <= IV_BYTES + TAG_BYTES) return { ok: false, reason: 'malformed' };
  let json: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(VERSION));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    json = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  const parsed = Payload.safeParse(safeJson(json));
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  const now = toIso(options.now ?? Date.now());
  if (Date.parse(parsed.data.expiresAt) <= Date.parse(now)) return { ok: false, reason: 'expired' };
  return { ok: true, session: parsed.data };
}

function cookieKey(sessionSecret: string): Buffer {
  if (sessionSecret.length < MIN_SECRET_LENGTH) {
    throw new StoreError('bad_input', `SESSION_SECRET must be at least ${MIN_SECRET_LENGTH} characters long`);
  }
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'databridge', KEY_INFO, 32));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
