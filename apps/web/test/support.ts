import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceContext } from '@databridge/queue';
import { setServiceContext } from '@databridge/queue';
import { createApiKey, createUser, openStore, type Store, type UserRole } from '@databridge/store';
import { freshStorePlace, type StoreKind } from '../../../packages/store/test/support/stores.ts';

export { CHINOOK_SQLITE, loadChinookPostgres } from '../../../packages/engine/test/support/chinook.ts';
export {
  freshPostgres,
  type TestDatabase,
} from '../../../packages/engine/test/support/databases.ts';
export { STORE_KINDS, type StoreKind } from '../../../packages/store/test/support/stores.ts';

/** What the route handlers under test are given as their second argument. */
export type Handler = (request: Request, route: { params: Promise<{ id: string }> }) => Promise<Response>;

export interface ApiReply {
  readonly status: number;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON reply is checked field by field by the tests
  readonly body: any;
}

/**
 * A real metadata store installed as the process's service context, and a way to call route handlers
 * that remembers every response body (so a test can check no secret ever left the server).
 */
export interface ApiWorld {
  readonly store: Store;
  readonly replies: string[];
  call(
    handler: Handler,
    method: string,
    path: string,
    options?: { id?: string; body?: unknown; rawBody?: string },
  ): Promise<ApiReply>;
  close(): Promise<void>;
}

export async function openApiWorld(kind: StoreKind): Promise<ApiWorld> {
  const place = await freshStorePlace(kind);
  const store = await openStore(place.options);
  const reportsDir = mkdtempSync(join(tmpdir(), 'databridge-web-reports-'));
  // The routes under test use the store, the secret and the reports folder; the executor is not theirs.
  const context: Pick<ServiceContext, 'store' | 'reportsDir' | 'env'> = {
    store,
    reportsDir,
    // These suites open fixture files anywhere on disk, so every folder but the data folder is allowed
    // here; injection.test.ts checks the default folder, `<dataDir>/files`.
    env: {
      sessionSecret: place.options.sessionSecret,
      dataDir: place.options.dataDir,
      sqliteDir: '/',
    } as ServiceContext['env'],
  };
  setServiceContext(context as ServiceContext);
  // Every call is made as an admin, with an API key (the authorization matrix tests the other roles).
  const adminKey = await apiKeyFor(store, 'admin');
  const replies: string[] = [];
  return {
    store,
    replies,
    async call(handler, method, path, options = {}) {
      const init: RequestInit = { method, headers: { authorization: `Bearer ${adminKey}` } };
      if (options.rawBody !== undefined) init.body = options.rawBody;
      else if (options.body !== undefined) init.body = JSON.stringify(options.body);
      if (init.body !== undefined) init.headers = { ...init.headers, 'content-type': 'application/json' };
      const response = await handler(new Request(`http://localhost${path}`, init), {
        params: Promise.resolve({ id: options.id ?? '' }),
      });
      const text = await response.text();
      replies.push(text);
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // a file download
      }
      return { status: response.status, text, body };
    },
    async close() {
      setServiceContext(undefined);
      await store.close();
      await place.drop();
      rmSync(reportsDir, { recursive: true, force: true });
    },
  };
}

/** A new user with `role` and an API key of the same role owned by them: every key acts for a user. */
export async function apiKeyFor(store: Store, role: UserRole, name = `${role} tests`): Promise<string> {
  const owner = await createUser(store, {
    email: `${role}-${Math.random().toString(36).slice(2)}@example.com`,
    name,
    password: 'a long enough password',
    role,
  });
  return (await createApiKey(store, { name, role, createdBy: owner.id })).plaintext;
}
