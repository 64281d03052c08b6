import pg from 'pg';
import { eventually } from './harness.ts';

/** The advisory lock key the gates wait on (advisory locks are per database: tests do not collide). */
const GATE_KEY = 4242;

/**
 * SQL for a target table `table` whose every COPY (one statement per batch), from batch `fromBatch`
 * on, waits on an advisory lock a test holds with `holdGate`: a load is then provably mid-way when the
 * test acts, on a fast machine as on a slow one. `before` runs first in each statement's trigger.
 */
export function gateTrigger(table: string, fromBatch: number, before = ''): string {
  return `CREATE SEQUENCE ${table}_batches;
    CREATE FUNCTION gate_${table}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${before}
      IF nextval('${table}_batches') >= ${fromBatch} THEN PERFORM pg_advisory_xact_lock_shared(${GATE_KEY}); END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER gate_${table} AFTER INSERT ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION gate_${table}();`;
}

export interface Gate {
  /** Resolves once a load's statement waits at the gate (fails after `timeoutMs`, 60 s by default). */
  reached(timeoutMs?: number): Promise<void>;
  /**
   * Resolves once no statement waits at the gate any more: the run that waited there has ended it
   * (a pause or cancel ends a statement still in flight after its grace), so nothing went through.
   */
  abandoned(): Promise<void>;
  /** Ends every other session of the database (the waiting load's among them), but not the gate's. */
  terminateOthers(): Promise<void>;
  /** Lets every waiting and later statement through, and closes the gate's connection. */
  release(): Promise<void>;
}

/** Holds the gate of the database at `url` closed until `release`. */
export async function holdGate(url: string): Promise<Gate> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('SELECT pg_advisory_lock($1)', [GATE_KEY]);
  let open = true;
  /** How many statements wait at the gate. */
  const waiting = async (): Promise<number> => {
    const { rows } = await client.query(
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND objid = $1 AND NOT granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [GATE_KEY],
    );
    return rows[0].n;
  };
  return {
    abandoned: () => eventually(async () => (await waiting()) === 0, 'the load to leave the gate'),
    async reached(timeoutMs = 60_000) {
      try {
        await eventually(async () => (await waiting()) > 0, 'the load to reach the gate', timeoutMs);
      } catch (error) {
        // Where the load was instead: the statements the target's other sessions were running.
        const { rows } = await client.query(
          `SELECT state, wait_event, left(query, 120) AS query FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()`,
        );
        throw new Error(`${(error as Error).message}; the target's sessions: ${JSON.stringify(rows)}`);
      }
    },
    async terminateOthers() {
      await client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
    },
    async release() {
      if (!open) return;
      open = false;
      await client.end();
    },
  };
}
