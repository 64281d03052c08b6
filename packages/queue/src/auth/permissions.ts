import type { UserRole } from '@databridge/store';

/**
 * What a request may do, in one table: every route handler and server action names the permission it
 * needs and the server checks it in one place (authorize.ts), never only in the UI.
 * - read: see connections (masked), projects, executions, logs, reports
 * - run: start, pause, resume, retry, cancel executions; preview
 * - edit: create, change and delete connections and projects (hooks, custom SQL, filters included)
 * - admin: users, API keys, the audit log
 */
export const PERMISSIONS = ['read', 'run', 'edit', 'admin'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<UserRole, readonly Permission[]> = {
  viewer: ['read'],
  operator: ['read', 'run'],
  editor: ['read', 'run', 'edit'],
  admin: ['read', 'run', 'edit', 'admin'],
};

export function can(role: UserRole, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

const RANK: Record<UserRole, number> = { viewer: 0, operator: 1, editor: 2, admin: 3 };

/** The role with fewer permissions of the two. */
export function lesserRole(a: UserRole, b: UserRole): UserRole {
  return RANK[a] <= RANK[b] ? a : b;
}
