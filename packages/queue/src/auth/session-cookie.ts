/** The session cookie: sealed (AES-256-GCM under a key from SESSION_SECRET), http-only, same-site. */
export const SESSION_COOKIE = 'databridge_session';

/** How long a sign-in lasts. */
export const SESSION_HOURS = 12;

/** The Set-Cookie header value that stores a sealed session (or clears it, with `value` null). */
export function sessionCookieHeader(value: string | null, options: { secure: boolean }): string {
  const parts = [
    `${SESSION_COOKIE}=${value ?? ''}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    value ? `Max-Age=${SESSION_HOURS * 3600}` : 'Max-Age=0',
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** The session cookie's value in a request's Cookie header, if any. */
export function readSessionCookie(cookieHeader: string | null): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}
