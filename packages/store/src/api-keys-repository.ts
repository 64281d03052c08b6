import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Selectable } from 'kysely';
import { isForeignKeyViolation, isUniqueViolation, StoreError } from './errors.ts';
import { newId } from './ids.ts';
import type { Store } from './open-store.ts';
import { isUserRole, type UserRole } from './roles.ts';
import type { ApiKeysTable } from './schema/database.ts';
import { readTime, readTimeOrNull, type TimeInput, toIso } from './values.ts';

/** An API key as lists show it: never the key itself, nor its hash. */
export interface ApiKey {
  readonly id: string;
  readonly name: string;
  /** The key's public start, `dbk_<12 hex>`, so a person can tell which key they hold. */
  readonly prefix: string;
  readonly role: UserRole;
  /**
   * The user the key acts for (its role never exceeds theirs); null only for keys minted by another
   * key before issue 13, which authentication refuses.
   */
  readonly createdBy: string | null;
  readonly createdAt: string;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
  /** To the minute: see authenticateApiKey. */
  readonly lastUsedAt: string | null;
}

export interface NewApiKey {
  readonly name: string;
  readonly role: UserRole;
  /** The user the key acts for: every key has an owner, whose disabling or demotion reaches it. */
  readonly createdBy: string;
  /** Must be in the future; none: the key works until revoked. */
  readonly expiresAt?: TimeInput | null;
}

export interface CreatedApiKey {
  readonly apiKey: ApiKey;
  /** The whole key, `dbk_<prefix>_<64 hex>`: shown to its creator once and never stored. */
  readonly plaintext: string;
}

const COLUMNS = [
  'id',
  'name',
  'prefix',
  'role',
  'created_by',
  'created_at',
  'expires_at',
  'revoked_at',
  'last_used_at',
] as const;

const KEY_FORMAT = /^(dbk_[0-9a-f]{12})_[0-9a-f]{64}$/;
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Creates a key and returns it in full, the only time it exists outside its holder's hands: the
 * store keeps its SHA-256. A fast hash is right here, unlike for passwords: the key carries 256
 * random bits, so nobody can guess a preimage however many hashes a second they can try, and a
 * cheap check keeps every API request cheap. Throws `bad_input`, or `not_found` for an unknown
 * createdBy.
 */
export async function createApiKey(store: Store, input: NewApiKey): Promise<CreatedApiKey> {
  const name = input.name.trim();
  if (!name) throw new StoreError('bad_input', 'name: an API key needs a name');
  if (!isUserRole(input.role)) throw new StoreError('bad_input', `role: "${input.role}" is not a role`);
  if (!input.createdBy) throw new StoreError('bad_input', 'createdBy: an API key needs the user it acts for');
  const now = new Date();
  const expiresAt = input.expiresAt == null ? null : toIso(input.expiresAt);
  if (expiresAt !== null && expiresAt <= now.toISOString()) {
    throw new StoreError('bad_input', 'expiresAt: must be in the future');
  }
  // 48-bit prefixes: a collision takes millions of keys, and the unique index catches it; draw again.
  for (let attempt = 1; ; attempt++) {
    const prefix = `dbk_${randomBytes(6).toString('hex')}`;
    const plaintext = `${prefix}_${randomBytes(32).toString('hex')}`;
    try {
      const row = await store.db
        .insertInto('api_keys')
        .values({
          id: newId(),
          name,
          prefix,
          key_hash: sha256(plaintext),
          role: input.role,
          created_by: input.createdBy,
          created_at: now.toISOString(),
          expires_at: expiresAt,
        })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      return { apiKey: toApiKey(row), plaintext };
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw new StoreError('not_found', `There is no user ${input.createdBy}`, { cause: error });
      }
      if (!isUniqueViolation(error) || attempt >= 3) throw error;
    }
  }
}

/**
 * The key a request presented (the `Authorization: Bearer` value), or null when it is malformed,
 * unknown, wrong, revoked or expired: the caller answers 401 alike. The hashes are compared in
 * constant time. Records the use, at most once a minute per key so a busy client does not turn
 * every request into a write. `now` defaults to the current time.
 */
export async function authenticateApiKey(
  store: Store,
  presented: string,
  options: { now?: TimeInput } = {},
): Promise<ApiKey | null> {
  const prefix = KEY_FORMAT.exec(presented.trim())?.[1];
  if (!prefix) return null;
  const row = await store.db
    .selectFrom('api_keys')
    .select([...COLUMNS, 'key_hash'])
    .where('prefix', '=', prefix)
    .executeTakeFirst();
  if (!row) return null;
  const expected = Buffer.from(row.key_hash, 'hex');
  const actual = Buffer.from(sha256(presented.trim()), 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  const now = toIso(options.now ?? Date.now());
  if (row.revoked_at !== null) return null;
  if (row.expires_at !== null && readTime(row.expires_at) <= now) return null;
  const lastUsed = readTimeOrNull(row.last_used_at);
  if (lastUsed === null || Date.parse(now) - Date.parse(lastUsed) >= LAST_USED_RESOLUTION_MS) {
    await store.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
    return toApiKey({ ...row, last_used_at: now });
  }
  return toApiKey(row);
}

/** Revokes a key for good; false when there is no such key or it was revoked already. */
export async function revokeApiKey(store: Store, id: string): Promise<boolean> {
  const result = await store.db
    .updateTable('api_keys')
    .set({ revoked_at: new Date().toISOString() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function getApiKey(store: Store, id: string): Promise<ApiKey | undefined> {
  const row = await store.db.selectFrom('api_keys').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row && toApiKey(row);
}

/** Every key, revoked and expired ones included, newest first. */
export async function listApiKeys(store: Store): Promise<ApiKey[]> {
  const rows = await store.db
    .selectFrom('api_keys')
    .select(COLUMNS)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toApiKey);
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function toApiKey(row: Pick<Selectable<ApiKeysTable>, (typeof COLUMNS)[number]>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role as UserRole,
    createdBy: row.created_by,
    createdAt: readTime(row.created_at),
    expiresAt: readTimeOrNull(row.expires_at),
    revokedAt: readTimeOrNull(row.revoked_at),
    lastUsedAt: readTimeOrNull(row.last_used_at),
  };
}
