/**
 * The admin console's model, without React: what the API returns for users, API keys and the audit
 * log, and how each is put in words.
 */
export const ROLES = ['viewer', 'operator', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  disabledAt: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: { kind: string; display: string };
  action: string;
  target: { kind: string; id: string | null } | null;
  ip: string | null;
  details: unknown;
}

/** The audit log's URL, filtered by action when one is typed. */
export function auditUrl(actionFilter: string): string {
  return `/api/audit${actionFilter ? `?action=${encodeURIComponent(actionFilter)}` : ''}`;
}

/** A key's state: revoked, its expiry, or none. */
export function keyState(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>): string {
  if (key.revokedAt) return 'revoked';
  return key.expiresAt ? `expires ${key.expiresAt}` : 'no expiry';
}

/** The audit target as `kind:id`, or nothing. */
export function auditTarget(entry: Pick<AuditEntry, 'target'>): string {
  return entry.target ? `${entry.target.kind}:${entry.target.id}` : '';
}

/** The change that enables a disabled user, or disables an enabled one. */
export function toggleDisabled(user: Pick<User, 'disabledAt'>): { disabled: boolean } {
  return { disabled: !user.disabledAt };
}
