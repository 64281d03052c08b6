/**
 * What a person or API key may do, most powerful first: admin (users, API keys, everything), editor
 * (connections, projects, hooks, custom SQL, run), operator (start, pause, resume, retry, cancel,
 * view), viewer (read only). The store records the role; the web server enforces it.
 */
export const USER_ROLES = ['admin', 'editor', 'operator', 'viewer'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export function isUserRole(value: unknown): value is UserRole {
  return typeof value === 'string' && (USER_ROLES as readonly string[]).includes(value);
}
