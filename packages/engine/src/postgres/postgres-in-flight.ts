import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

/**
 * The pool's checked-out clients, and the way to end what they are doing: a cancel (or a pause or
 * shutdown whose grace ran out) must not wait for a statement blocked on a lock, nor leave a session
 * idle in a transaction holding one. The server does it: `pg_cancel_backend` for each busy session,
 * then `pg_terminate_backend` for those still busy after the grace.
 */
export class PostgresInFlight {
  private readonly busy = new Set<pg.PoolClient>();

  constructor(private readonly pool: pg.Pool) {
    pool.on('acquire', (client) => this.busy.add(client));
    pool.on('release', (_error, client) => this.busy.delete(client));
    pool.on('remove', (client) => this.busy.delete(client as pg.PoolClient));
  }

  async cancel(graceMs: number): Promise<void> {
    if (this.pids().length === 0) return;
    // A client of its own: the pool may have every connection busy.
    const admin = new pg.Client({ ...this.pool.options, application_name: 'databridge-cancel' });
    await admin.connect();
    try {
      await admin.query('SELECT pg_cancel_backend(pid) FROM unnest($1::int[]) AS pid', [this.pids()]);
      const end = Date.now() + graceMs;
      while (this.pids().length > 0 && Date.now() < end) await sleep(50);
      const left = this.pids();
      if (left.length > 0) {
        await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [left]);
      }
    } finally {
      await admin.end().catch(() => {});
    }
  }

  private pids(): number[] {
    return [...this.busy]
      .map((c) => (c as unknown as { processID: number | null }).processID)
      .filter((pid): pid is number => typeof pid === 'number');
  }
}
