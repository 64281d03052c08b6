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

// One look at the store per process and URL; a failed look is tried again next time.
const storeIdentities = new Map<string, Promise<string>>();

function storeIdentity(storeUrl: string): Promise<string> {
  let found = storeIdentities.get(storeUrl);
  if (!found) {
    found = (async () => {
      const client = new pg.Client({ connectionString: storeUrl });
      client.on('error', () => {});
      await client.connect();
      try {
        return await identityOf(client);
      } finally {
        await client.end().catch(() => {});
      }
    })();
    storeIdentities.set(storeUrl, found);
    found.catch(() => storeIdentities.delete(storeUrl));
  }
  return found;
}

/**
 * Refuses a session on the server's own metadata store (DATABASE_URL), whatever the URL that led to
 * it: as a connection, a hook on it could make its author admin and a preview would show every
 * password hash. `bad_url`, naming what to do instead.
 */
export async function refuseMetadataStore(session: Queryable, storeUrl: string): Promise<void> {
  const [mine, store] = await Promise.all([identityOf(session), storeIdentity(storeUrl)]);
  if (mine !== '' && mine === store) {
    throw new DataBridgeError('bad_url', STORE_REFUSAL);
  }
}

const STORE_REFUSAL =
  'this database is the DataBridge server’s own metadata store (DATABASE_URL): a connection may not open it; use another database';

/** True for the refusal of refuseMetadataStore (a saved form can then name its field). */
export function isMetadataStoreRefusal(error: unknown): boolean {
  return error instanceof DataBridgeError && error.message === STORE_REFUSAL;
}
