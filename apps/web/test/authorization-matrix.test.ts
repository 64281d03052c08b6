import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  can,
  type Permission,
  SESSION_COOKIE,
  type ServiceContext,
  setServiceContext,
  startSession,
} from '@databridge/queue';
import {
  createApiKey,
  createUser,
  openStore,
  revokeApiKey,
  type Store,
  sealSession,
  type UserRole,
  updateUser,
} from '@databridge/store';
import { freshStorePlace, type StorePlace } from '../../../packages/store/test/support/stores.ts';
import * as apiKeysRoute from '../app/api/api-keys/route.ts';
import * as logoutRoute from '../app/api/auth/logout/route.ts';
import { inNextRequest } from './next-request-scope.ts';
import { apiRoutes, type RouteHandler, serverActions } from './route-files.ts';

/**
 * The permission every API route method needs. The routes themselves are found on disk
 * (route-files.ts): a route or method with no line here is a violation, so a new route cannot be
 * left out. `secret` routes answer only a shared secret (401 to every identity here). The bodies make
 * an authorised call fail validation or name an id that does not exist, so nothing changes.
 */
const ROUTES: Record<
  string,
  { access: Permission | 'public' | 'secret'; body?: unknown; endsSessions?: number }
> = {
  'GET /api/health': { access: 'public' },
  'POST /api/auth/login': { access: 'public', body: {} },
  'POST /api/auth/logout': { access: 'public', endsSessions: 2 },
  'GET /api/auth/setup': { access: 'public' },
  'POST /api/auth/setup': { access: 'public', body: {} },
  'GET /api/auth/me': { access: 'read' },
  // Ending a session needs one: every role may end its own.
  'DELETE /api/auth/sessions': { access: 'read', endsSessions: 1 },
  'GET /api/connections': { access: 'read' },
  'POST /api/connections': { access: 'edit', body: {} },
  'POST /api/connections/test': { access: 'edit', body: {} },
  'GET /api/connections/files': { access: 'read' },
  'POST /api/connections/files': { access: 'edit' },
  'GET /api/connections/[id]': { access: 'read' },
  'PATCH /api/connections/[id]': { access: 'edit', body: { name: 'x' } },
  'DELETE /api/connections/[id]': { access: 'edit' },
  'POST /api/connections/[id]/test': { access: 'edit' },
  'GET /api/connections/[id]/schema': { access: 'read' },
  'GET /api/cron/tick': { access: 'secret' },
  'GET /api/projects': { access: 'read' },
  'POST /api/projects': { access: 'edit', body: {} },
  'POST /api/projects/import': { access: 'edit', body: {} },
  'GET /api/projects/[id]': { access: 'read' },
  'PATCH /api/projects/[id]': { access: 'edit', body: { name: 'x' } },
  'DELETE /api/projects/[id]': { access: 'edit' },
  'GET /api/projects/[id]/suggestions': { access: 'read' },
  'GET /api/projects/[id]/preview': { access: 'run' },
  'GET /api/projects/[id]/export': { access: 'read' },
  'GET /api/projects/[id]/dag': { access: 'read' },
  'GET /api/projects/[id]/airflow': { access: 'read' },
  'POST /api/projects/[id]/airflow': { access: 'edit' },
  'GET /api/projects/[id]/grid': { access: 'read' },
  'POST /api/projects/[id]/backfill': { access: 'run', body: {} },
  'POST /api/projects/[id]/test-alert': { access: 'edit', body: {} },
  'GET /api/projects/[id]/sync-state': { access: 'read' },
  'POST /api/projects/[id]/sync-state': { access: 'edit', body: { mappingKey: '' } },
  'GET /api/dependencies': { access: 'read' },
  'GET /api/executions': { access: 'read' },
  'POST /api/executions/start': { access: 'run', body: {} },
  'GET /api/executions/[id]/status': { access: 'read' },
  'GET /api/executions/[id]/stages': { access: 'read' },
  'GET /api/executions/[id]/logs': { access: 'read' },
  'GET /api/executions/[id]/metrics': { access: 'read' },
  'GET /api/executions/[id]/events': { access: 'read' },
  'GET /api/executions/[id]/report': { access: 'read' },
  'GET /api/executions/[id]/task': { access: 'read' },
  'GET /api/executions/[id]/artefacts': { access: 'read' },
  'POST /api/executions/[id]/pause': { access: 'run' },
  'POST /api/executions/[id]/resume': { access: 'run' },
  'POST /api/executions/[id]/retry': { access: 'run' },
  'POST /api/executions/[id]/clear': { access: 'run', body: {} },
  'POST /api/executions/[id]/cancel': { access: 'run' },
  'GET /api/users': { access: 'admin' },
  'POST /api/users': { access: 'admin', body: {} },
  'PATCH /api/users/[id]': { access: 'admin', body: { name: 'x' } },
  'GET /api/api-keys': { access: 'admin' },
  'POST /api/api-keys': { access: 'admin', body: {} },
  'DELETE /api/api-keys/[id]': { access: 'admin' },
  'GET /api/audit': { access: 'admin' },
  'GET /api/staging': { access: 'admin' },
  'DELETE /api/staging/[id]': { access: 'admin' },
};

/** The permission every server action (apps/web/app/actions/*.ts) needs, found on disk likewise. */
const ACTIONS: Record<string, Permission> = {
  'executions.startMigrationExecution': 'run',
  'executions.getExecutionStatus': 'read',
  'executions.pauseMigrationExecution': 'run',
  'executions.resumeMigrationExecution': 'run',
  'executions.retryMigrationExecution': 'run',
  'executions.getETLStageStatus': 'read',
};

const ROLES: readonly UserRole[] = ['viewer', 'operator', 'editor', 'admin'];
const PASSWORD = 'a long enough password';

interface Identity {
  readonly name: string;
  /** The role the request runs under, or null: it must be refused with 401 (unless public). */
  readonly role: UserRole | null;
  readonly headers: Record<string, string>;
}

describe('authorization matrix: every route and server action × every identity', () => {
  let place: StorePlace;
  let store: Store;
  let context: ServiceContext;
  const identities: Identity[] = [];

  before(async () => {
    place = await freshStorePlace('sqlite');
    store = await openStore(place.options);
    const secret = place.options.sessionSecret;
    context = {
      store,
      reportsDir: place.options.dataDir,
      env: { sessionSecret: secret, cronSecret: 'the-cron-secret-of-this-test', baseUrl: 'http://localhost' },
    } as ServiceContext;
    setServiceContext(context);
    const hour = Date.now() + 3600_000;
    let n = 0;
    const user = (role: UserRole) => {
      n += 1;
      return createUser(store, {
        email: `${role}${n}@example.com`,
        name: `${role} ${n}`,
        password: PASSWORD,
        role,
      });
    };
    const cookie = (sealed: string) => ({ cookie: `${SESSION_COOKIE}=${sealed}` });
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    /** A key made through the API by another key, as a script holding a key would. */
    const mintWith = async (key: string, role: UserRole) => {
      const response = await (apiKeysRoute.POST as RouteHandler)(
        new Request('http://localhost/api/api-keys', {
          method: 'POST',
          headers: { ...bearer(key), 'content-type': 'application/json' },
          body: JSON.stringify({ name: `minted ${role}`, role }),
        }),
        { params: Promise.resolve({ id: '' }) },
      );
      const body = (await response.json()) as { data: { key: string } };
      assert.equal(response.status, 201, JSON.stringify(body));
      return body.data.key;
    };

    for (const role of ROLES) {
      const person = await user(role);
      identities.push({
        name: `${role} session`,
        role,
        headers: cookie(await startSession(context, person)),
      });
      const key = await createApiKey(store, { name: `${role} key`, role, createdBy: person.id });
      identities.push({ name: `${role} API key`, role, headers: bearer(key.plaintext) });
    }
    identities.push({ name: 'no credentials', role: null, headers: {} });

    const admin = await user('admin');
    const good = await startSession(context, admin);
    const tampered = `${good.slice(0, -4)}${good.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    identities.push({ name: 'tampered session', role: null, headers: cookie(tampered) });
    const forged = sealSession('another-secret-that-is-long-enough-0123456789', {
      sessionId: 'x',
      userId: admin.id,
      role: 'admin',
      expiresAt: hour,
    });
    identities.push({ name: 'session sealed with another secret', role: null, headers: cookie(forged) });
    const noRecord = sealSession(secret, {
      sessionId: 'never-recorded',
      userId: admin.id,
      role: 'admin',
      expiresAt: hour,
    });
    identities.push({
      name: 'well-sealed session the server never started',
      role: null,
      headers: cookie(noRecord),
    });
    const expired = sealSession(secret, {
      sessionId: 'x',
      userId: admin.id,
      role: 'admin',
      issuedAt: Date.now() - 7200_000,
      expiresAt: Date.now() - 1000,
    });
    identities.push({ name: 'expired session', role: null, headers: cookie(expired) });

    const signedOut = await startSession(context, admin);
    await (logoutRoute.POST as RouteHandler)(
      new Request('http://localhost/api/auth/logout', { method: 'POST', headers: cookie(signedOut) }),
      { params: Promise.resolve({ id: '' }) },
    );
    identities.push({ name: 'admin session after sign-out', role: null, headers: cookie(signedOut) });

    // A disabled owner: their session, their key, and a key minted by their key.
    const gone = await user('admin');
    const goneSession = await startSession(context, gone);
    const goneKey = await createApiKey(store, { name: 'gone', role: 'admin', createdBy: gone.id });
    const goneMinted = await mintWith(goneKey.plaintext, 'admin');
    await updateUser(store, gone.id, { disabled: true });
    identities.push({ name: 'session of a user since disabled', role: null, headers: cookie(goneSession) });
    identities.push({
      name: 'API key of a user since disabled',
      role: null,
      headers: bearer(goneKey.plaintext),
    });
    identities.push({
      name: 'API key minted by the key of a user since disabled',
      role: null,
      headers: bearer(goneMinted),
    });

    // A demoted owner: their old admin session ends; their keys, and keys minted by them, act as viewer.
    const demoted = await user('admin');
    const demotedSession = await startSession(context, demoted);
    const demotedKey = await createApiKey(store, { name: 'demoted', role: 'admin', createdBy: demoted.id });
    const demotedMinted = await mintWith(demotedKey.plaintext, 'admin');
    await updateUser(store, demoted.id, { role: 'viewer' });
    identities.push({
      name: 'admin session of a user since demoted',
      role: null,
      headers: cookie(demotedSession),
    });
    identities.push({
      name: 'admin API key of a user since demoted to viewer',
      role: 'viewer',
      headers: bearer(demotedKey.plaintext),
    });
    identities.push({
      name: 'admin API key minted by the key of a user since demoted to viewer',
      role: 'viewer',
      headers: bearer(demotedMinted),
    });

    // Keys minted by keys carry their maker's owner: an operator key minted by an admin key.
    const minter = await user('admin');
    const minterKey = await createApiKey(store, { name: 'minter', role: 'admin', createdBy: minter.id });
    identities.push({
      name: 'operator API key minted by an admin API key',
      role: 'operator',
      headers: bearer(await mintWith(minterKey.plaintext, 'operator')),
    });
    const ownerless = await createApiKey(store, { name: 'ownerless', role: 'admin', createdBy: minter.id });
    await store.db
      .updateTable('api_keys')
      .set({ created_by: null })
      .where('id', '=', ownerless.apiKey.id)
      .execute();
    identities.push({
      name: 'API key with no owner (minted by a key before the fix)',
      role: null,
      headers: bearer(ownerless.plaintext),
    });

    const revoked = await createApiKey(store, { name: 'revoked', role: 'admin', createdBy: minter.id });
    await revokeApiKey(store, revoked.apiKey.id);
    identities.push({ name: 'revoked API key', role: null, headers: bearer(revoked.plaintext) });
    const expiring = await createApiKey(store, {
      name: 'expiring',
      role: 'admin',
      createdBy: minter.id,
      expiresAt: Date.now() + 50,
    });
    identities.push({ name: 'expired API key', role: null, headers: bearer(expiring.plaintext) });
    identities.push({
      name: 'made-up API key',
      role: null,
      headers: bearer(`dbk_000000000000_${'0'.repeat(64)}`),
    });
    await new Promise((r) => setTimeout(r, 100));
  });

  after(async () => {
    setServiceContext(undefined);
    await store.close();
    await place.drop();
  });

  function expectation(
    access: Permission | 'public' | 'secret',
    role: UserRole | null,
  ): 'allowed' | 401 | 403 {
    if (access === 'public') return 'allowed';
    if (access === 'secret' || role === null) return 401;
    return can(role, access) ? 'allowed' : 403;
  }

  it('answers unauthorized and forbidden exactly where the table says, on every server action found on disk', async () => {
    const actions = await serverActions();
    const violations: string[] = [];
    let cases = 0;
    for (const { name, action } of actions) {
      const permission = ACTIONS[name];
      if (!permission) {
        violations.push(`${name}: no case in the server action table (add one)`);
        continue;
      }
      for (const identity of identities) {
        cases += 1;
        const result = (await inNextRequest({ host: 'localhost', ...identity.headers }, () =>
          action('no-such-id'),
        )) as { success: boolean; error?: { code: string } };
        const code = result.success ? 'ok' : result.error!.code;
        const expected = expectation(permission, identity.role);
        const ok =
          expected === 'allowed'
            ? code !== 'unauthorized' && code !== 'forbidden'
            : code === (expected === 401 ? 'unauthorized' : 'forbidden');
        if (!ok) violations.push(`${name} as ${identity.name}: ${code}, expected ${expected}`);
      }
    }
    console.log(
      `server actions: ${actions.length} actions × ${identities.length} identities = ${cases} cases, ${violations.length} violations`,
    );
    assert.ok(actions.length >= 6, `${actions.length} actions found`);
    assert.deepEqual(violations, [], `${violations.length} violation(s) in ${cases} cases`);
  });

  it('refuses a server action called from another site, even with an admin session', async () => {
    const admin = identities.find((i) => i.name === 'admin session')!;
    // Found on disk as the matrix does: the test build leaves Next.js's own types out.
    const getExecutionStatus = (await serverActions()).find(
      (a) => a.name === 'executions.getExecutionStatus',
    )!.action as (id: string) => Promise<{ success: boolean; error?: { code: string } }>;
    const result = await inNextRequest(
      { host: 'localhost', origin: 'http://evil.example', ...admin.headers },
      () => getExecutionStatus('no-such-id'),
    );
    assert.equal(result.error?.code, 'forbidden');
    const same = await inNextRequest(
      { host: 'localhost', origin: 'http://localhost', ...admin.headers },
      () => getExecutionStatus('no-such-id'),
    );
    assert.equal(same.error?.code, 'not_found');
  });

  // Last: its final routes sign the session identities out.
  it('answers 401 and 403 exactly where the permission table says, on every route found on disk', async () => {
    // The routes that end the caller's sessions go last (public logout after the one that needs a
    // session), or every session identity after them is gone.
    const routes = (await apiRoutes()).sort(
      (a, b) => (ROUTES[a.name]?.endsSessions ?? 0) - (ROUTES[b.name]?.endsSessions ?? 0),
    );
    const violations: string[] = [];
    const found = new Set(routes.map((r) => r.name));
    for (const name of Object.keys(ROUTES))
      if (!found.has(name)) violations.push(`${name}: listed, but no such route`);
    let cases = 0;
    for (const route of routes) {
      const entry = ROUTES[route.name];
      if (!entry) {
        violations.push(`${route.name}: no case in the permission table (add one)`);
        continue;
      }
      for (const identity of identities) {
        cases += 1;
        const init: RequestInit = { method: route.method, headers: { ...identity.headers } };
        if (entry.body !== undefined) {
          init.body = JSON.stringify(entry.body);
          init.headers = { ...init.headers, 'content-type': 'application/json' };
        }
        const response = await route.handler(
          new Request(`http://localhost${route.path.replace('[id]', 'no-such-id')}`, init),
          { params: Promise.resolve({ id: 'no-such-id' }) },
        );
        await response.body?.cancel();
        const expected = expectation(entry.access, identity.role);
        const ok =
          expected === 'allowed'
            ? response.status !== 401 && response.status !== 403
            : response.status === expected;
        if (!ok)
          violations.push(`${route.name} as ${identity.name}: ${response.status}, expected ${expected}`);
      }
    }
    console.log(
      `authorization matrix: ${routes.length} route methods × ${identities.length} identities = ${cases} cases, ${violations.length} violations`,
    );
    assert.ok(routes.length >= 47, `${routes.length} route methods found`);
    assert.deepEqual(violations, [], `${violations.length} violation(s) in ${cases} cases`);
  });
});
