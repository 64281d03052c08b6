import type Database from 'better-sqlite3';

export type Statement = Database.Statement<unknown[], unknown>;

/**
 * Prepared statements kept for reuse, least recently used dropped first. Only for statements run
 * to completion at once (`all`, `get`, `run`): a statement being iterated is busy and cannot be
 * shared, so streams prepare their own.
 */
export class StatementCache {
  readonly #db: Database.Database;
  readonly #capacity: number;
  readonly #statements = new Map<string, Statement>();

  /** Default capacity: 100 statements. */
  constructor(db: Database.Database, capacity = 100) {
    this.#db = db;
    this.#capacity = capacity;
  }

  get(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement) {
      this.#statements.delete(sql);
    } else {
      statement = this.#db.prepare(sql);
      if (this.#statements.size >= this.#capacity) {
        this.#statements.delete(this.#statements.keys().next().value!);
      }
    }
    this.#statements.set(sql, statement);
    return statement;
  }
}
