import { parseConnectionUrl } from '@databridge/engine';
import type { Selectable } from 'kysely';
import { displayUrl } from './display-url.ts';
import { isForeignKeyViolation, isUniqueViolation, StoreError } from './errors.ts';
import { newId } from './ids.ts';
import type { Store } from './open-store.ts';
import type { ConnectionsTable } from './schema/database.ts';
import type { ConnectionKind } from './statuses.ts';
import { readBool, readTime, type TimeInput, toIso, writeBool } from './values.ts';

/** A saved database connection as everything but the executor sees it: no password anywhere. */
export interface Connection {
  readonly id: string;
  readonly name: string;
  readonly kind: ConnectionKind;
  /** The URL with its password masked (`postgres://app:***@db:5432/shop`). */
  readonly url: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The last test of the connection, or null when it was never tested at its current URL. */
  readonly lastTest: ConnectionTest | null;
}

/** How a connection test went. */
export interface ConnectionTest {
  readonly ok: boolean;
  readonly message: string;
  readonly latencyMs: number;
  /** ISO time of the test. */
  readonly testedAt: string;
}

export interface ConnectionInput {
  readonly name: string;
  /** The full URL, password included; parsed (`bad_url` if it cannot be) and sealed at rest. */
  readonly url: string;
}

// The sealed URL is deliberately absent: only revealConnectionUrl reads it.
const PUBLIC_COLUMNS = [
  'id',
  'name',
  'kind',
  'display_url',
  'created_at',
  'updated_at',
  'last_test_ok',
  'last_test_message',
  'last_test_latency_ms',
  'last_tested_at',
] as const;

/** A new URL makes the last test meaningless. */
const NO_TEST = {
  last_test_ok: null,
  last_test_message: null,
  last_test_latency_ms: null,
  last_tested_at: null,
} as const;

export async function createConnection(store: Store, input: ConnectionInput): Promise<Connection> {
  const id = newId();
  const now = new Date().toISOString();
  const row = await insertOrConflict(input.name, () =>
    store.db
      .insertInto('connections')
      .values({
        id,
        name: checkName(input.name),
        ...sealUrl(store, id, input.url),
        created_at: now,
        updated_at: now,
      })
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirstOrThrow(),
  );
  return toConnection(row);
}

export async function getConnection(store: Store, id: string): Promise<Connection | undefined> {
  const row = await store.db
    .selectFrom('connections')
    .select(PUBLIC_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toConnection(row);
}

/** Every connection, by name. */
export async function listConnections(store: Store): Promise<Connection[]> {
  const rows = await store.db.selectFrom('connections').select(PUBLIC_COLUMNS).orderBy('name').execute();
  return rows.map(toConnection);
}

/** Renames a connection and/or replaces its URL (sealed afresh). Throws `not_found`, `conflict`. */
export async function updateConnection(
  store: Store,
  id: string,
  patch: Partial<ConnectionInput>,
): Promise<Connection> {
  const name = patch.name === undefined ? undefined : checkName(patch.name);
  const sealed = patch.url === undefined ? {} : { ...sealUrl(store, id, patch.url), ...NO_TEST };
  const row = await insertOrConflict(patch.name ?? '', () =>
    store.db
      .updateTable('connections')
      .set({ name, ...sealed, updated_at: new Date().toISOString() })
      .where('id', '=', id)
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirst(),
  );
  if (!row) throw new StoreError('not_found', `There is no connection ${id}`);
  return toConnection(row);
}

/** Keeps how a test of the connection went, for the connections page. Throws `not_found`. */
export async function recordConnectionTest(
  store: Store,
  id: string,
  test: Omit<ConnectionTest, 'testedAt'> & { testedAt?: TimeInput },
): Promise<Connection> {
  const row = await store.db
    .updateTable('connections')
    .set({
      last_test_ok: writeBool(test.ok),
      last_test_message: test.message,
      last_test_latency_ms: Math.round(test.latencyMs),
      last_tested_at: toIso(test.testedAt ?? new Date()),
    })
    .where('id', '=', id)
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirst();
  if (!row) throw new StoreError('not_found', `There is no connection ${id}`);
  return toConnection(row);
}

/** Deletes a connection no project uses; returns false when there was none. Throws `in_use`. */
export async function deleteConnection(store: Store, id: string): Promise<boolean> {
  const users = await store.db
    .selectFrom('projects')
    .select('name')
    .where((eb) => eb.or([eb('source_connection_id', '=', id), eb('target_connection_id', '=', id)]))
    .execute();
  if (users.length > 0) throw inUse(users.map((u) => u.name));
  try {
    const result = await store.db.deleteFrom('connections').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  } catch (error) {
    if (isForeignKeyViolation(error)) throw inUse([]);
    throw error;
  }
}

/**
 * The full connection URL, password included, for the executor that opens the connection. Nothing
 * that shows or logs data may call this. Throws `not_found`, or `secret_mismatch` when SESSION_SECRET
 * is not the one the URL was sealed with.
 */
export async function revealConnectionUrl(store: Store, id: string): Promise<string> {
  const row = await store.db
    .selectFrom('connections')
    .select(['name', 'secret_url', 'key_version'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new StoreError('not_found', `There is no connection ${id}`);
  try {
    return store.secrets.open(row.secret_url, row.key_version, id);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    throw new StoreError(
      'secret_mismatch',
      `Cannot decrypt the URL of connection "${row.name}": ${error.message}`,
      {
        cause: error,
      },
    );
  }
}

function sealUrl(store: Store, id: string, url: string) {
  const { dialect } = parseConnectionUrl(url.trim());
  return {
    kind: dialect,
    display_url: displayUrl(url.trim()),
    secret_url: store.secrets.seal(url.trim(), id),
    key_version: store.secrets.keyVersion,
  };
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new StoreError('bad_input', 'name: a connection needs a name');
  return trimmed;
}

async function insertOrConflict<T>(name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new StoreError('conflict', `A connection named "${name.trim()}" already exists`, {
        cause: error,
      });
    }
    throw error;
  }
}

function inUse(projects: string[]): StoreError {
  const which = projects.length > 0 ? `: ${projects.map((p) => `"${p}"`).join(', ')}` : '';
  return new StoreError(
    'in_use',
    `The connection is used by project(s)${which}; change or delete them first`,
  );
}

function toConnection(row: Omit<Selectable<ConnectionsTable>, 'secret_url' | 'key_version'>): Connection {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as ConnectionKind,
    url: row.display_url,
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
    lastTest:
      row.last_tested_at === null || row.last_test_ok === null
        ? null
        : {
            ok: readBool(row.last_test_ok),
            message: row.last_test_message ?? '',
            latencyMs: Number(row.last_test_latency_ms ?? 0),
            testedAt: readTime(row.last_tested_at),
          },
  };
}
