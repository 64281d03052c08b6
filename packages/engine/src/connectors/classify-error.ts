import Database from 'better-sqlite3';
import { type ErrorCode, isDataBridgeError } from '../errors.ts';
import { classify as classifyMysql } from '../mysql/mysql-errors.ts';
import { classify as classifyPostgres } from '../postgres/postgres-errors.ts';
import { classify as classifySqlite } from '../sqlite/sqlite-errors.ts';

interface DriverFields {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly sqlState?: unknown;
  readonly message?: unknown;
}

/** What a driver's own error says should happen next, by its code; undefined when it says nothing. */
function driverClass(error: unknown): ErrorCode | undefined {
  if (!(error instanceof Error) || isDataBridgeError(error)) return undefined;
  if (error instanceof Database.SqliteError) return classifySqlite(error, error.message);
  const { code, errno, sqlState } = error as DriverFields;
  // mysql2 names every error: server errors carry errno and sqlState, its own ones PROTOCOL_*.
  const mysql =
    typeof code === 'string' &&
    (code.startsWith('ER_') || code.startsWith('PROTOCOL_') || code.startsWith('WARN_'));
  if (mysql || (typeof errno === 'number' && typeof sqlState === 'string')) {
    const found = classifyMysql(error as { message: string; code?: string; errno?: number }, false);
    return found === 'internal' ? undefined : found;
  }
  // SQLSTATEs (pg), socket codes (any driver), and pg's own errors, which carry no code.
  return classifyPostgres(typeof code === 'string' ? code : undefined, error.message);
}

/**
 * The class of a failure, by code along its `cause` chain: a lost connection, a deadlock or a
 * timeout anywhere in the chain makes it `transient` whatever the stage that wrapped it called it
 * (a connection lost while a foreign key was being checked is not a broken constraint); otherwise
 * the outermost DataBridgeError's code, or the driver's. A cancel stays a cancel: a cancelled
 * statement (SQLSTATE 57014) is what a user's cancel produces too.
 */
export function classifyFailure(error: unknown): ErrorCode {
  let outer: ErrorCode | undefined;
  let driver: ErrorCode | undefined;
  for (let e: unknown = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (isDataBridgeError(e)) {
      if (e.code === 'cancelled') return 'cancelled';
      if (e.code === 'transient') return 'transient';
      if (outer === undefined && e.code !== 'internal') outer = e.code;
      continue;
    }
    const found = driverClass(e);
    if (found === 'transient' || found === 'connection_failed') return 'transient';
    driver ??= found;
  }
  return outer ?? driver ?? 'internal';
}

/** True when a retry can cure the failure: a lost connection, a deadlock, a timeout, a server restarting. */
export function isTransientFailure(error: unknown): boolean {
  const code = classifyFailure(error);
  return code === 'transient' || code === 'connection_failed';
}
