import type { Pool } from 'mysql2/promise';
import type { SnapshotKind, SnapshotOptions, SourceSnapshot } from '../connectors/connection.ts';
import { DataBridgeError } from '../errors.ts';
import type { TableRef } from '../schema/model.ts';
import { classifyMysql2Error, type MysqlServer, toDataBridgeError } from './mysql-errors.ts';

/** A callback connection of the pool, whose queries can stream. */
export type CoreConnection = Parameters<Parameters<Pool['pool']['getConnection']>[0]>[1];

/** The connection a stream reads on, and how to hand it back: intact, or lost mid-read. */
export interface ReaderLease {
  readonly connection: CoreConnection;
  done(): void;
  lost(): void;
}

/** How long FLUSH TABLES WITH READ LOCK may wait for running statements before readers start without it. */
const LOCK_WAIT_SECONDS = 10;

interface HeldReaders {
  readonly idle: CoreConnection[];
  readonly live: Set<CoreConnection>;
  readonly waiting: { resolve(c: CoreConnection): void; reject(e: unknown): void }[];
}

/**
 * Consistent snapshots of a MySQL/MariaDB source for parallel readers. InnoDB cannot hand one read
 * view to another connection, so each reader holds its own connection in `START TRANSACTION WITH
 * CONSISTENT SNAPSHOT` for the whole extract, every task it serves included (mysql2's pool would hand
 * a connection on with its transaction, so they stay out of the pool until release). The readers
 * start together; while one more connection holds `FLUSH TABLES WITH READ LOCK`, when the user has
 * RELOAD, so that no commit lands between two starts (as mydumper does). Without the privilege, or
 * when the lock cannot be had within 10 s, they start at once without it and the snapshot says so.
 */
export class MysqlSnapshots {
  readonly #held = new Map<string, HeldReaders>();
  #count = 0;

  constructor(
    private readonly pool: Pool,
    private readonly server: MysqlServer,
  ) {}

  borrow(): Promise<CoreConnection> {
    return new Promise((resolve, reject) => {
      this.pool.pool.getConnection((error, connection) => (error ? reject(error) : resolve(connection)));
    });
  }

  async open(options: SnapshotOptions): Promise<SourceSnapshot> {
    const readers: CoreConnection[] = [];
    try {
      for (let i = 0; i < Math.max(1, options.readers); i++) readers.push(await this.borrow());
      const withoutSnapshot = await nonTransactional(readers[0]!, options.tables);
      const started = await this.#start(readers);
      const id = `mysql-snapshot-${++this.#count}`;
      const held: HeldReaders = { idle: [...readers], live: new Set(readers), waiting: [] };
      this.#held.set(id, held);
      return { id, ...started, withoutSnapshot, release: () => this.#release(id) };
    } catch (error) {
      for (const c of readers) c.destroy();
      throw toDataBridgeError(error, 'Opening a consistent snapshot of the source', this.server);
    }
  }

  /** One of the snapshot's reader connections, once one is free. */
  lease(id: string): Promise<ReaderLease> {
    const held = this.#held.get(id);
    if (!held) return Promise.reject(new DataBridgeError('internal', `no open source snapshot ${id}`));
    const idle = held.idle.pop();
    if (idle) return Promise.resolve(this.#leaseOf(held, idle));
    if (held.live.size === 0) return Promise.reject(allLost());
    return new Promise((resolve, reject) =>
      held.waiting.push({ resolve: (c) => resolve(this.#leaseOf(held, c)), reject }),
    );
  }

  async #start(readers: readonly CoreConnection[]): Promise<{
    kind: SnapshotKind;
    noLock?: SourceSnapshot['noLock'];
  }> {
    const lock = await this.borrow();
    try {
      await run(lock, `SET SESSION lock_wait_timeout = ${LOCK_WAIT_SECONDS}`);
      let refused: 'no_reload_privilege' | 'lock_wait_timeout' | undefined;
      try {
        await run(lock, 'FLUSH TABLES WITH READ LOCK');
      } catch (error) {
        refused = lockRefusal(error);
        if (!refused) throw error;
      }
      // The session's default isolation may be READ COMMITTED, which would give each statement its own view.
      await Promise.all(readers.map((c) => run(c, 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')));
      const began = performance.now();
      await Promise.all(readers.map((c) => run(c, 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY')));
      const spreadMs = Math.ceil(performance.now() - began);
      if (!refused) await run(lock, 'UNLOCK TABLES');
      await run(lock, 'SET SESSION lock_wait_timeout = DEFAULT');
      lock.release();
      return refused
        ? { kind: 'snapshot_per_reader', noLock: { reason: refused, spreadMs } }
        : { kind: 'started_under_lock' };
    } catch (error) {
      lock.destroy(); // ends the global read lock with the session
      throw error;
    }
  }

  #leaseOf(held: HeldReaders, connection: CoreConnection): ReaderLease {
    let settled = false;
    return {
      connection,
      done: () => {
        if (settled) return;
        settled = true;
        const next = held.waiting.shift();
        if (next) next.resolve(connection);
        else held.idle.push(connection);
      },
      // A stream stopped early leaves the rest of its result on the socket: the connection goes, and
      // its transaction with it.
      lost: () => {
        if (settled) return;
        settled = true;
        held.live.delete(connection);
        connection.destroy();
        if (held.live.size === 0) for (const w of held.waiting.splice(0)) w.reject(allLost());
      },
    };
  }

  async #release(id: string): Promise<void> {
    const held = this.#held.get(id);
    if (!held) return;
    this.#held.delete(id);
    for (const w of held.waiting.splice(0))
      w.reject(new DataBridgeError('internal', 'the snapshot was released'));
    await Promise.all(
      [...held.live].map(async (c) => {
        if (!held.idle.includes(c)) return c.destroy(); // still streaming: nothing to give back
        try {
          await run(c, 'ROLLBACK');
          c.release();
        } catch {
          c.destroy();
        }
      }),
    );
  }
}

function run(connection: CoreConnection, sql: string, values: unknown[] = []): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    connection.query(sql, values, (error, rows) => (error ? reject(error) : resolve(rows as unknown[])));
  });
}

/**
 * Why the global read lock was not had, when that is no reason to stop: the user may not take it
 * (RELOAD missing; managed services such as Amazon RDS refuse it to every user), or running
 * statements held it off for LOCK_WAIT_SECONDS.
 */
function lockRefusal(error: unknown): 'no_reload_privilege' | 'lock_wait_timeout' | undefined {
  if (!(error instanceof Error)) return undefined;
  if ((error as { code?: unknown }).code === 'ER_LOCK_WAIT_TIMEOUT') return 'lock_wait_timeout';
  return classifyMysql2Error(error) === 'auth_failed' ? 'no_reload_privilege' : undefined;
}

/** The tables among `tables` whose engine keeps no consistent snapshot (anything but InnoDB). */
async function nonTransactional(
  connection: CoreConnection,
  tables: readonly TableRef[],
): Promise<TableRef[]> {
  if (tables.length === 0) return [];
  const rows = (await run(
    connection,
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND UPPER(ENGINE) <> 'INNODB' AND (${tables.map(() => '(TABLE_SCHEMA = ? AND TABLE_NAME = ?)').join(' OR ')}) ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    tables.flatMap((t) => [t.schema, t.name]),
  )) as { s: string; n: string }[];
  return rows.map((r) => ({ schema: String(r.s), name: String(r.n) }));
}

function allLost(): DataBridgeError {
  return new DataBridgeError(
    'transient',
    'every reader connection of the source snapshot was lost; the extract starts again from its checkpoints',
  );
}
