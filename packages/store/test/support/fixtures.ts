import { parseConnectionUrl } from '@databridge/engine';
import { displayUrl } from '../../src/display-url.ts';
import {
  type Connection,
  createConnection,
  createProject,
  type Project,
  type Store,
} from '../../src/index.ts';

let counter = 0;

/** A name no other test in the file uses. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

export const SOURCE_URL = 'postgres://app:s3cr3t-pa55@db.example.com:5432/shop?sslmode=require';
export const TARGET_URL = 'mysql://loader:an0ther-pa55@warehouse.example.com/dw';

/** A spec as the wizard or an imported file gives it (URLs are replaced by the project's connections). */
export function specInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'shop-to-dw',
    source: { url: SOURCE_URL, schema: 'public' },
    target: { url: TARGET_URL },
    pipeline: { batchSize: 1000 },
    mappings: [
      { source: 'customers', target: 'dim_customer', columns: [{ source: 'id', target: 'customer_id' }] },
    ],
    ...overrides,
  };
}

export async function connectionPair(store: Store): Promise<[Connection, Connection]> {
  return [
    await createConnection(store, { name: unique('source'), url: SOURCE_URL }),
    await createConnection(store, { name: unique('target'), url: TARGET_URL }),
  ];
}

export async function aProject(store: Store): Promise<Project> {
  const [source, target] = await connectionPair(store);
  return createProject(store, {
    name: unique('project'),
    sourceConnectionId: source.id,
    targetConnectionId: target.id,
    spec: specInput(),
  });
}

/**
 * A connection written with only the columns the first migration created, as a store of that age
 * held it: the repository writes today's columns, which an old store does not have yet.
 */
export async function legacyConnection(store: Store, name: string, url: string): Promise<{ id: string }> {
  const id = `legacy-${unique(name)}`;
  const now = new Date().toISOString();
  await store.db
    .insertInto('connections')
    .values({
      id,
      name,
      kind: parseConnectionUrl(url).dialect,
      display_url: displayUrl(url),
      secret_url: store.secrets.seal(url, id),
      key_version: store.secrets.keyVersion,
      created_at: now,
      updated_at: now,
    } as never)
    .execute();
  return { id };
}
