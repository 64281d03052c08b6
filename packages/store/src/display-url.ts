import { maskPassword } from '@databridge/engine';

const SECRET_OPTIONS = /^(password|pass|pwd|sslpassword|secret|token|api[_-]?key)$/i;

/**
 * A connection URL fit to show and store in clear: the password masked, and so is any query-string
 * option that carries one (`?password=…`, `sslpassword=…`, `token=…`).
 */
export function displayUrl(url: string): string {
  const masked = maskPassword(url);
  const query = masked.indexOf('?');
  if (query < 0) return masked;
  const options = masked
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=')[0] ?? '';
      return SECRET_OPTIONS.test(decodeURIComponent(name)) ? `${name}=***` : pair;
    });
  return `${masked.slice(0, query)}?${options.join('&')}`;
}
