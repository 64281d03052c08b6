import { displayUrl } from './display-url.ts';

/** What a scrubbed secret reads as, the same mask connection URLs use. */
export const MASK = '***';

// Compared with the key lower-cased and stripped of `_`, `-` and spaces, so `apiKey`, `API_KEY`
// and `api-key` all match. Over-masking (`passwordChangedAt`) is the safe mistake.
const SECRET_KEY_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'credential',
  'authorization',
  'cookie',
];
const SECRET_KEYS = new Set(['pass', 'pwd', 'keyhash']);
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;
const API_KEY_IN_TEXT = /\bdbk_([0-9a-f]{12})_[0-9a-f]{64}\b/g;

/**
 * Makes a value safe to keep in the audit log, which admins read and nothing encrypts: a copy (as
 * JSON would carry it) in which
 * - the value of every property named like a secret (password, passwd, secret, token, apiKey,
 *   privateKey, credential, authorization, cookie, pwd, …, any letter case or separator) is `***`;
 * - every URL inside any string has its password and secret query options masked
 *   (`postgres://app:***@db/shop?sslpassword=***`), wherever it appears in the text;
 * - a DataBridge API key inside any string keeps only its public prefix (`dbk_1a2b3c4d5e6f_***`).
 * Before/after settings still show what changed, except in the secrets themselves.
 */
export function scrubSecrets<T>(value: T): T {
  if (value === undefined) return value;
  return scrub(JSON.parse(JSON.stringify(value)) as unknown) as T;
}

function scrub(value: unknown): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (Array.isArray(value)) return value.map(scrub);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        isSecretKey(key) && inner !== null ? MASK : scrub(inner),
      ]),
    );
  }
  return value;
}

function isSecretKey(key: string): boolean {
  const folded = key.toLowerCase().replace(/[\s_-]/g, '');
  return SECRET_KEYS.has(folded) || SECRET_KEY_PARTS.some((part) => folded.includes(part));
}

function scrubText(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => displayUrl(url)).replace(API_KEY_IN_TEXT, `dbk_$1_${MASK}`);
}
