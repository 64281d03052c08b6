import { setTimeout as sleep } from 'node:timers/promises';
import mysql, { type Pool } from 'mysql2/promise';
import type { ConnectionSettings } from '../connectors/url.ts';

interface PoolConnection {
  readonly threadId: number | null;
  /** mysql2's own fields: the pool that holds it (null once removed), set to close (destroy, fatal error). */
  readonly _pool?: unknown;
  readonly _closing?: boolean;
}

/**
 * A connection destroyed while checked out (a reader that stopped early, one given up on a silent
 * server) is removed from the pool without a 'release' event, so it is dropped here: its statement
 * is ended with its socket, and killing it would open a connection to a server that may not answer.
 */
function gone(connection: PoolConnection): boolean {
  return connection._pool === null || connection._closing === true;
}

/**
 * The pool's checked-out connections, and the way to end what they are doing (a cancel, or a pause or
 * shutdown whose grace ran out): `KILL QUERY` for each busy one, then `KILL` (the whole connection,
 * its transaction rolled back, its locks released) for those still busy after the grace.
 */
export class MysqlInFlight {
  private readonly busy = new Set<PoolConnection>();

  constructor(
    pool: Pool,
    private readonly settings: ConnectionSettings,
  ) {
    pool.pool.on('acquire', (c) => this.busy.add(c as PoolConnection));
    pool.pool.on('release', (c) => this.busy.delete(c as PoolConnection));
  }

  async cancel(graceMs: number): Promise<void> {
    if (this.threads().length === 0) return;
    // A connection of its own: the pool may have every connection busy.
    const admin = await mysql.createConnection({
      host: this.settings.host,
      port: this.settings.port,
      user: this.settings.user,
      password: this.settings.password,
    });
    try {
      for (const id of this.threads()) await admin.query(`KILL QUERY ${id}`).catch(() => {});
      const end = Date.now() + graceMs;
      while (this.threads().length > 0 && Date.now() < end) await sleep(50);
      for (const id of this.threads()) await admin.query(`KILL ${id}`).catch(() => {});
    } finally {
      await admin.end().catch(() => {});
    }
  }

  private threads(): number[] {
    for (const connection of this.busy) if (gone(connection)) this.busy.delete(connection);
    return [...this.busy].map((c) => c.threadId).filter((id): id is number => Number.isInteger(id));
  }
}
