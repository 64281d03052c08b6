import type { Selectable } from 'kysely';
import type { Store } from './open-store.ts';
import { decodeCursor, encodeCursor, type Page, pageSize } from './page.ts';
import type { LogEntriesTable } from './schema/database.ts';
import { LOG_LEVELS, type LogLevel } from './statuses.ts';
import { readJsonOrNull, readTime, type TimeInput, toIso, writeJson } from './values.ts';

/** One line of an execution's log. */
export interface LogEntry {
  readonly id: number;
  readonly executionId: string;
  readonly time: string;
  readonly level: LogLevel;
  readonly message: string;
  readonly stack: string | null;
  readonly fields: Readonly<Record<string, unknown>> | null;
}

export interface NewLogEntry {
  /** Defaults to now. */
  readonly time?: TimeInput;
  readonly level: LogLevel;
  readonly message: string;
  readonly stack?: string | null;
  readonly fields?: Readonly<Record<string, unknown>> | null;
}

export interface LogQuery {
  /** The least severe level to include: `warning` lists warnings and errors. Default: every level. */
  readonly level?: LogLevel;
  /** `newest` (the default) or `oldest` first. */
  readonly order?: 'newest' | 'oldest';
  /** The previous page's nextCursor. */
  readonly cursor?: string;
  /** Default 100, at most 1000. */
  readonly limit?: number;
}

const CHUNK = 500;

/** Appends log lines to an execution, in the order given (their ids grow in that order). */
export async function appendLogEntries(
  store: Store,
  executionId: string,
  entries: readonly NewLogEntry[],
): Promise<void> {
  for (let i = 0; i < entries.length; i += CHUNK) {
    const rows = entries.slice(i, i + CHUNK).map((e) => ({
      execution_id: executionId,
      time: toIso(e.time ?? Date.now()),
      level: e.level,
      message: e.message,
      stack: e.stack ?? null,
      fields: e.fields ? writeJson(e.fields) : null,
    }));
    await store.db.insertInto('log_entries').values(rows).execute();
  }
}

/** A page of an execution's log, filtered by least severe level, paged by entry id. */
export async function listLogEntries(
  store: Store,
  executionId: string,
  query: LogQuery = {},
): Promise<Page<LogEntry>> {
  const limit = pageSize(query.limit, 100, 1000);
  const newest = (query.order ?? 'newest') === 'newest';
  let select = store.db.selectFrom('log_entries').selectAll().where('execution_id', '=', executionId);
  if (query.level && query.level !== 'debug') {
    select = select.where('level', 'in', LOG_LEVELS.slice(LOG_LEVELS.indexOf(query.level)));
  }
  if (query.cursor) {
    const [after] = decodeCursor(query.cursor, ['number']) as [number];
    select = select.where('id', newest ? '<' : '>', after);
  }
  const rows = await select
    .orderBy('id', newest ? 'desc' : 'asc')
    .limit(limit + 1)
    .execute();
  const items = rows.slice(0, limit).map(toLogEntry);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null };
}

function toLogEntry(row: Selectable<LogEntriesTable>): LogEntry {
  return {
    id: row.id,
    executionId: row.execution_id,
    time: readTime(row.time),
    level: row.level as LogLevel,
    message: row.message,
    stack: row.stack,
    fields: readJsonOrNull(row.fields) as Record<string, unknown> | null,
  };
}
