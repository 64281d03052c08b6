import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { StoreError } from './errors.ts';

/**
 * Seals secrets (connection URLs) at rest: AES-256-GCM, a random 96-bit IV per value, the 128-bit
 * auth tag kept with it, and the row's id bound in as additional data so a sealed value copied onto
 * another row does not open. The key comes from SESSION_SECRET through HKDF-SHA256 with a fixed
 * label; its version is stored beside each value, so a later rotation can tell which key sealed
 * what and re-seal under the new one.
 */
export interface SecretBox {
  /** The key version new values are sealed under. */
  readonly keyVersion: number;
  seal(plaintext: string, context: string): string;
  /** Throws `secret_mismatch` when the key is not the one that sealed it (or the value was altered). */
  open(sealed: string, keyVersion: number, context: string): string;
}

/** SESSION_SECRET must carry at least this many characters (e.g. `openssl rand -hex 32`). */
export const MIN_SECRET_LENGTH = 32;
const KEY_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function deriveKey(sessionSecret: string, keyVersion: number): Buffer {
  const info = `databridge/store/secret-box/v${keyVersion}`;
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'databridge', info, 32));
}

export function createSecretBox(sessionSecret: string): SecretBox {
  if (sessionSecret.length < MIN_SECRET_LENGTH) {
    throw new StoreError(
      'bad_input',
      `SESSION_SECRET must be at least ${MIN_SECRET_LENGTH} characters long (make one with \`openssl rand -hex 32\`)`,
    );
  }
  const keys = new Map([[KEY_VERSION, deriveKey(sessionSecret, KEY_VERSION)]]);
  return {
    keyVersion: KEY_VERSION,
    seal(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keys.get(KEY_VERSION)!, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(`${KEY_VERSION}:${context}`));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(sealed, keyVersion, context) {
      const key = keys.get(keyVersion);
      if (!key) {
        throw new StoreError(
          'secret_mismatch',
          `the value is sealed under key version ${keyVersion}, which this SESSION_SECRET does not provide`,
        );
      }
      const bytes = Buffer.from(sealed, 'base64');
      try {
        // authTagLength: a truncated tag must fail, not be checked on fewer bytes.
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(Buffer.from(`${keyVersion}:${context}`));
        decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const body = bytes.subarray(IV_BYTES + TAG_BYTES);
        return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new StoreError(
          'secret_mismatch',
          'SESSION_SECRET is not the one this value was encrypted with (or the stored value was altered)',
          { cause },
        );
      }
    },
  };
}
