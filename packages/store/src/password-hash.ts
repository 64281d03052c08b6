import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { StoreError } from './errors.ts';

/** The shortest password createUser and setUserPassword accept. */
export const MIN_PASSWORD_LENGTH = 12;
/** The longest: argon2 takes any length, but nobody types more and a huge one only costs CPU. */
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * argon2id with OWASP's baseline cost (19 MiB, 2 passes, 1 lane): tens of milliseconds a sign-in on
 * a server core, and memory-hard so a GPU gains little. The parameters and a random salt travel in
 * the PHC string, so raising them later leaves existing hashes verifiable.
 */
const OPTIONS = {
  // Algorithm.Argon2id: the package's const enum cannot be read under isolatedModules.
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

/** Hashes a password fit to store; throws `bad_input` when it is too short or too long. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new StoreError('bad_input', `password: must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new StoreError('bad_input', `password: must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  return hash(password, OPTIONS);
}

let decoy: Promise<string> | undefined;

/**
 * True when `password` matches `stored`. With no stored hash (an unknown email) it verifies against
 * a decoy hashed with the same cost and answers false, so the time taken does not tell an attacker
 * which emails have accounts.
 */
export async function checkPasswordHash(stored: string | null, password: string): Promise<boolean> {
  decoy ??= hash('databridge-decoy-password', OPTIONS);
  const target = stored ?? (await decoy);
  try {
    const matches = await verify(target, password);
    return stored !== null && matches;
  } catch {
    // A hash this library cannot parse matches nothing.
    return false;
  }
}
