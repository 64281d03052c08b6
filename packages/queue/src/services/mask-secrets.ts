import { scrubSecrets } from '@databridge/store';

/** A secret at least this long is masked wherever it appears; a shorter one only where it stands. */
export const MASK_ANYWHERE_FROM = 8;

const MASK = '***';
// `password=…` in a key=value string and `"password":"…"` in JSON; the value runs to a delimiter.
const NAMED_FIELD = /\b(password|passwd|pwd|sslpassword|secret|token)(=|"\s*:\s*")([^\s"&;,]*)/gi;

/**
 * Masks secrets in a message for a person to read (a driver's error, a preview): the password of
 * every URL in it and of named fields (`password=…`, `"password":"…"`) whatever their value, and the
 * given secrets wherever they appear when they are long enough to be nothing else. A short password
 * is not masked as a substring: `x` would turn `does not exist` into `does not e***ist`, which
 * mangles the message and shows the password by where the mask falls.
 */
export function maskSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = scrubSecrets(text).replace(NAMED_FIELD, (_, name: string, sep: string) => `${name}${sep}${MASK}`);
  for (const secret of secrets) {
    if (!secret || secret.length < MASK_ANYWHERE_FROM) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = out.split(form).join(MASK);
  }
  return out;
}
