import type { Selectable } from 'kysely';
import { scrubSecrets } from './audit-scrub.ts';
import { StoreError } from './errors.ts';
import type { Store } from './open-store.ts';
import { decodeCursor, encodeCursor, type Page, pageSize } from './page.ts';
import type { AuditLogTable } from './schema/database.ts';
import { readJsonOrNull, readTime, type TimeInput, toIso, writeJson } from './values.ts';

/** Who did it: a signed-in user, an API key, DataBridge itself, or the cron tick. */
export const AUDIT_ACTOR_KINDS = ['user', 'api_key', 'system', 'cron'] as const;
export type AuditActorKind = (typeof AUDIT_ACTOR_KINDS)[number];

export interface AuditActor {
  readonly kind: AuditActorKind;
  /** The user's or key's id; null for system and cron. */
  readonly id: string | null;
  /** How to show the actor (an email, a key's name and prefix), kept as it was at the time. */
  readonly display: string;
}

/** What was acted on, e.g. `{ kind: 'connection', id }`. */
export interface AuditTarget {
  readonly kind: string;
  readonly id: string | null;
}

/** Settings before and after a change, and anything else worth keeping; scrubbed of secrets. */
export interface AuditDetails {
  readonly before?: unknown;
  readonly after?: unknown;
  readonly [key: string]: unknown;
}

export interface AuditEntry {
  readonly id: number;
  readonly at: string;
  readonly actor: AuditActor;
  /** Dotted, object first: `connection.update`, `execution.cancel`, `user.sign_in_failed`. */
  readonly action: string;
  readonly target: AuditTarget | null;
  /** Where the request came from: the client address, or e.g. `cli`. */
  readonly ip: string | null;
  readonly details: AuditDetails | null;
}

export interface NewAuditEntry {
  /** Defaults to now. */
  readonly at?: TimeInput;
  readonly actor: AuditActor;
  readonly action: string;
  readonly target?: AuditTarget | null;
  readonly ip?: string | null;
  readonly details?: AuditDetails | null;
}

export interface AuditQuery {
  readonly actorKind?: AuditActorKind;
  readonly actorId?: string;
  readonly action?: string;
  readonly targetKind?: string;
  readonly targetId?: string;
  /** Entries at or after this time. */
  readonly from?: TimeInput;
  /** Entries before this time. */
  readonly to?: TimeInput;
  /** Default 50, at most 500. */
  readonly limit?: number;
  /** The previous page's nextCursor. */
  readonly cursor?: string;
}

/**
 * Appends an entry to the audit log, its details passed through scrubSecrets first. The store offers
 * no way to change or remove an entry: from the application's point of view the log only grows.
 * Throws `bad_input` for an unknown actor kind, an empty action, or details that are not JSON.
 */
export async function appendAudit(store: Store, entry: NewAuditEntry): Promise<AuditEntry> {
  if (!(AUDIT_ACTOR_KINDS as readonly string[]).includes(entry.actor.kind)) {
    throw new StoreError(
      'bad_input',
      `actor.kind: "${entry.actor.kind}" is not ${AUDIT_ACTOR_KINDS.join(', ')}`,
    );
  }
  if (!entry.action.trim()) throw new StoreError('bad_input', 'action: an audit entry needs an action');
  const row = await store.db
    .insertInto('audit_log')
    .values({
      at: toIso(entry.at ?? Date.now()),
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      actor_display: entry.actor.display,
      action: entry.action.trim(),
      target_kind: entry.target?.kind ?? null,
      target_id: entry.target?.id ?? null,
      ip: entry.ip ?? null,
      details: entry.details ? writeJson(scrubDetails(entry.details)) : null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAuditEntry(row);
}

/**
 * A page of the audit log, newest first, filtered by any of actor, action, target and time range
 * (`from` inclusive, `to` exclusive); pass the previous page's nextCursor for the next.
 */
export async function listAudit(store: Store, query: AuditQuery = {}): Promise<Page<AuditEntry>> {
  const limit = pageSize(query.limit, 50, 500);
  let select = store.db.selectFrom('audit_log').selectAll();
  if (query.actorKind !== undefined) select = select.where('actor_kind', '=', query.actorKind);
  if (query.actorId !== undefined) select = select.where('actor_id', '=', query.actorId);
  if (query.action !== undefined) select = select.where('action', '=', query.action);
  if (query.targetKind !== undefined) select = select.where('target_kind', '=', query.targetKind);
  if (query.targetId !== undefined) select = select.where('target_id', '=', query.targetId);
  if (query.from !== undefined) select = select.where('at', '>=', toIso(query.from));
  if (query.to !== undefined) select = select.where('at', '<', toIso(query.to));
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, ['string', 'number']) as [string, number];
    select = select.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await select
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map(toAuditEntry);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.at, last.id]) : null };
}

function scrubDetails(details: AuditDetails): AuditDetails {
  try {
    return scrubSecrets(details);
  } catch (cause) {
    throw new StoreError('bad_input', 'details: must be plain JSON data', { cause });
  }
}

function toAuditEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: Number(row.id),
    at: readTime(row.at),
    actor: { kind: row.actor_kind as AuditActorKind, id: row.actor_id, display: row.actor_display },
    action: row.action,
    target: row.target_kind === null ? null : { kind: row.target_kind, id: row.target_id },
    ip: row.ip,
    details: readJsonOrNull(row.details) as AuditDetails | null,
  };
}
