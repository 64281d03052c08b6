import type { Selectable } from 'kysely';
import { isStoreError, isUniqueViolation, StoreError } from './errors.ts';
import { newId } from './ids.ts';
import type { Store } from './open-store.ts';
import { checkPasswordHash, hashPassword } from './password-hash.ts';
import { isUserRole, type UserRole } from './roles.ts';
import type { UsersTable } from './schema/database.ts';
import { endUserSessions } from './sessions-repository.ts';
import { inTransaction } from './transaction.ts';
import { readTime, readTimeOrNull } from './values.ts';

/** A person who signs in, as everything sees them: never the password hash. */
export interface User {
  readonly id: string;
  /** As it was typed; sign-in matches it case-insensitively. */
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Set while the account may not sign in; its sessions and API keys are the caller's to refuse. */
  readonly disabledAt: string | null;
}

export interface NewUser {
  readonly email: string;
  readonly name: string;
  /** At least MIN_PASSWORD_LENGTH characters; stored as an argon2id hash only. */
  readonly password: string;
  readonly role: UserRole;
}

export interface UserPatch {
  readonly name?: string;
  readonly role?: UserRole;
  /** true disables the account (keeping the first time it was disabled), false enables it. */
  readonly disabled?: boolean;
}

/**
 * The outcome of a sign-in. The reasons are for the audit log: show a person the same message for
 * all three, or the form tells strangers which emails have accounts.
 */
export type PasswordCheck =
  | { readonly ok: true; readonly user: User }
  | { readonly ok: false; readonly reason: 'unknown_email' | 'wrong_password' | 'disabled' };

const PUBLIC_COLUMNS = ['id', 'email', 'name', 'role', 'created_at', 'updated_at', 'disabled_at'] as const;

/** Creates a user. Throws `bad_input` (email, name, password, role) or `conflict` for a taken email. */
export async function createUser(store: Store, input: NewUser): Promise<User> {
  const email = checkEmail(input.email);
  const values = {
    email,
    email_key: emailKey(email),
    name: checkName(input.name),
    role: checkRole(input.role),
  };
  const passwordHash = await hashPassword(input.password);
  const now = new Date().toISOString();
  try {
    const row = await store.db
      .insertInto('users')
      .values({ id: newId(), ...values, password_hash: passwordHash, created_at: now, updated_at: now })
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirstOrThrow();
    return toUser(row);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new StoreError('conflict', `A user with the email "${email}" already exists`, { cause: error });
    }
    throw error;
  }
}

/**
 * Checks a sign-in. Always runs one argon2 verification, against a decoy for an unknown email, so
 * answering takes as long whether or not the account exists. A disabled account fails only after
 * its password matched.
 */
export async function verifyPassword(store: Store, email: string, password: string): Promise<PasswordCheck> {
  const row = await store.db
    .selectFrom('users')
    .select([...PUBLIC_COLUMNS, 'password_hash'])
    .where('email_key', '=', emailKey(email))
    .executeTakeFirst();
  const matches = await checkPasswordHash(row?.password_hash ?? null, password);
  if (!row) return { ok: false, reason: 'unknown_email' };
  if (!matches) return { ok: false, reason: 'wrong_password' };
  if (row.disabled_at !== null) return { ok: false, reason: 'disabled' };
  return { ok: true, user: toUser(row) };
}

export async function getUser(store: Store, id: string): Promise<User | undefined> {
  const row = await store.db
    .selectFrom('users')
    .select(PUBLIC_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toUser(row);
}

/** The user with that email, in any letter case. */
export async function getUserByEmail(store: Store, email: string): Promise<User | undefined> {
  const row = await store.db
    .selectFrom('users')
    .select(PUBLIC_COLUMNS)
    .where('email_key', '=', emailKey(email))
    .executeTakeFirst();
  return row && toUser(row);
}

/** Every user, disabled ones included, by email. */
export async function listUsers(store: Store): Promise<User[]> {
  const rows = await store.db.selectFrom('users').select(PUBLIC_COLUMNS).orderBy('email_key').execute();
  return rows.map(toUser);
}

/**
 * Renames, changes the role of, disables or enables a user. Throws `not_found`, `bad_input`, or
 * `conflict` when the change would leave no enabled admin: nobody could manage users after it. On
 * PostgreSQL the enabled admins are locked while it decides, so two admins demoting each other at
 * once cannot both succeed.
 */
export async function updateUser(store: Store, id: string, patch: UserPatch): Promise<User> {
  const name = patch.name === undefined ? undefined : checkName(patch.name);
  const role = patch.role === undefined ? undefined : checkRole(patch.role);
  return inTransaction(store, async (trx) => {
    const current = await trx.db
      .selectFrom('users')
      .select(['role', 'disabled_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!current) throw new StoreError('not_found', `There is no user ${id}`);
    const wasAdmin = current.role === 'admin' && current.disabled_at === null;
    const staysAdmin =
      (role ?? current.role) === 'admin' && !(patch.disabled ?? current.disabled_at !== null);
    if (wasAdmin && !staysAdmin && (await countAdmins(trx, { lock: true })) <= 1) {
      throw new StoreError('conflict', 'This is the last enabled admin: make another user admin first');
    }
    const now = new Date().toISOString();
    // Disabling a disabled user keeps the time it was first disabled.
    const disabledAt =
      patch.disabled === false ? null : patch.disabled && !current.disabled_at ? now : undefined;
    const row = await trx.db
      .updateTable('users')
      .set({ name, role, disabled_at: disabledAt, updated_at: now })
      .where('id', '=', id)
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirstOrThrow();
    // A new role or a disabled account ends the user's sessions: a copied cookie cannot outlive it.
    if ((role !== undefined && role !== current.role) || patch.disabled) await endUserSessions(trx, id);
    return toUser(row);
  });
}

/**
 * Replaces a user's password (hashed afresh) and ends every session of theirs: whoever knew the old
 * one is signed out. Throws `not_found`, or `bad_input` for a weak one.
 */
export async function setUserPassword(store: Store, id: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await inTransaction(store, async (trx) => {
    const result = await trx.db
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .executeTakeFirst();
    if (result.numUpdatedRows === 0n) throw new StoreError('not_found', `There is no user ${id}`);
    await endUserSessions(trx, id);
  });
}

/**
 * How many admins may sign in (disabled ones do not count). `lock` (inside a transaction, on
 * PostgreSQL) holds their rows until it ends.
 */
export async function countAdmins(store: Store, options: { lock?: boolean } = {}): Promise<number> {
  const query = store.db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled_at', 'is', null);
  const rows = await (options.lock && store.dialect === 'postgres' ? query.forUpdate() : query).execute();
  return rows.length;
}

/**
 * Creates the first admin (from DATABRIDGE_ADMIN_EMAIL / DATABRIDGE_ADMIN_PASSWORD) when there is no
 * enabled admin, and returns it; returns null when there is one already, so it is safe on every
 * start. Two processes starting at once create it once. Throws `conflict` when the email belongs to
 * a user who is not an admin, `bad_input` for a weak password.
 */
export async function ensureFirstAdmin(
  store: Store,
  email: string,
  password: string,
  name = 'Administrator',
): Promise<User | null> {
  if ((await countAdmins(store)) > 0) return null;
  try {
    return await createUser(store, { email, name, password, role: 'admin' });
  } catch (error) {
    if (isStoreError(error) && error.code === 'conflict') {
      const existing = await getUserByEmail(store, email);
      if (existing?.role === 'admin' && existing.disabledAt === null) return null;
    }
    throw error;
  }
}

/** The form an email is unique in: what "case-insensitive" means, the same on both databases. */
export function emailKey(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

function checkEmail(email: string): string {
  const trimmed = email.trim();
  if (trimmed.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(trimmed)) {
    throw new StoreError('bad_input', `E-mail “${trimmed}” is not an e-mail address.`);
  }
  return trimmed;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new StoreError('bad_input', 'name: a user needs a name');
  return trimmed;
}

function checkRole(role: string): UserRole {
  if (!isUserRole(role))
    throw new StoreError('bad_input', `role: "${role}" is not admin, editor, operator or viewer`);
  return role;
}

function toUser(row: Pick<Selectable<UsersTable>, (typeof PUBLIC_COLUMNS)[number]>): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as UserRole,
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
    disabledAt: readTimeOrNull(row.disabled_at),
  };
}
