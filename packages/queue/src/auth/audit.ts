import { type AuditDetails, type AuditTarget, appendAudit, type Store } from '@databridge/store';
import { type Actor, auditActor } from './actor.ts';

/**
 * Records who did what, when and from where. Details are scrubbed of secrets by the store. A failure
 * to write the audit entry fails the request: a change that cannot be accounted for is not made
 * silently (callers audit before answering).
 */
export async function audit(
  context: { store: Store },
  actor: Actor | null,
  action: string,
  target: AuditTarget | null,
  options: { ip?: string | null; details?: AuditDetails | null } = {},
): Promise<void> {
  await appendAudit(context.store, {
    actor: auditActor(actor),
    action,
    target,
    ip: options.ip ?? null,
    details: options.details ?? null,
  });
}
