/**
 * What went wrong in the metadata store, as a closed set of codes that say what should happen next.
 * Spec and URL problems are the engine's own `DataBridgeError` (`bad_spec`, `bad_url`) instead, so a
 * caller handles them the same way wherever they come from.
 */
export type StoreErrorCode =
  | 'not_found' // no row with that id: HTTP 404
  | 'conflict' // a unique name is taken: HTTP 409
  | 'invalid_transition' // a state change the state machine does not allow (statuses.ts): a bug, never written
  | 'in_use' // still referenced (a connection by projects, a project by an active execution): HTTP 409
  | 'bad_input' // an argument is malformed (cursor, limit, option): HTTP 400
  | 'secret_mismatch' // SESSION_SECRET is not the one the value was encrypted with
  | 'unavailable' // the metadata database cannot be reached
  | 'migration_failed'; // the schema could not be brought up to date

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StoreError';
    this.code = code;
  }
}

export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}

/** True for a unique-constraint violation on either database (PostgreSQL 23505, SQLite's own code). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** True when a foreign key refused the change (PostgreSQL 23503, SQLite's own code). */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
