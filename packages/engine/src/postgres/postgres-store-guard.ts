import pg from 'pg';
import { DataBridgeError } from '../errors.ts';

interface Queryable {
  query(sql: string): Promise<{ rows: Record<string, unknown>[] }>;
}

/**
 * Which database of which server a session is on, however its URL named them (`localhost`,
 * `127.0.0.1`, a DNS alias, a pooler): the server's start time (to the microsecond, one per running
 * cluster) and the database's oid. Both are readable by any role.
 */
const IDENTITY_SQL = `SELECT pg_postmaster_start_time()::text || ' ' || oid::text AS identity
  FROM pg_database WHERE datname = current_database()`;

async function identityOf(session: Queryable): Promise<string> {
  const { rows } = await session.query(IDENTITY_SQL);
  return String(rows[0]?.identity ?? '');
}

// The store's identity, looked at again when older than this: a restart of its server changes the
// start time, and a stale one must not let the store through.
const FRESH_MS = 30_000;
const storeIdentities = new Map<string, { identity: Promise<string>; at: number }>();

function storeIdentity(storeUrl: string, fresh = false): Promise<string> {
  const cached = storeIdentities.get(storeUrl);
  if (cached && !(fresh && Date.now() - cached.at > FRESH_MS)) return cached.identity;
  const identity = (async () => {
    const client = new pg.Client({ connectionString: storeUrl });
    client.on('error', () => {});
    await client.connect();
    try {
      return await identityOf(client);
    } finally {
      await client.end().catch(() => {});
    }
  })();
  storeIdentities.set(storeUrl, { identity, at: Date.now() });
  // A failed look is tried again next time.
  identity.catch(() => storeIdentities.delete(storeUrl));
  return identity;
}

/**
 * Refuses a session on the server's own metadata store (DATABASE_URL), whatever the URL that led to
 * it: as a connection, a hook on it could make its author admin and a preview would show every
 * password hash. `bad_url`, naming what to do instead.
 */
export async function refuseMetadataStore(session: Queryable, storeUrl: string): Promise<void> {
  const mine = await identityOf(session);
  if (mine === '') return;
  // Unequal may mean the store's server restarted since it was looked at: look again then.
  if (mine === (await storeIdentity(storeUrl)) || mine === (await storeIdentity(storeUrl, true))) {
    throw new DataBridgeError('bad_url', STORE_REFUSAL);
  }
}

const STORE_REFUSAL =
  'this database is the DataBridge server’s own metadata store (DATABASE_URL): a connection may not open it; use another database';

/** True for the refusal of refuseMetadataStore (a saved form can then name its field). */
export function isMetadataStoreRefusal(error: unknown): boolean {
  return error instanceof DataBridgeError && error.message === STORE_REFUSAL;
}
