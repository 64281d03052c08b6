import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  can,
  type Permission,
  SESSION_COOKIE,
  type ServiceContext,
  setServiceContext,
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
import * as apiKeyRoute from '../app/api/api-keys/[id]/route.ts';
import * as apiKeysRoute from '../app/api/api-keys/route.ts';
import * as auditRoute from '../app/api/audit/route.ts';
import * as loginRoute from '../app/api/auth/login/route.ts';
import * as logoutRoute from '../app/api/auth/logout/route.ts';
import * as meRoute from '../app/api/auth/me/route.ts';
import * as setupRoute from '../app/api/auth/setup/route.ts';
import * as connectionRoute from '../app/api/connections/[id]/route.ts';
import * as connectionSchemaRoute from '../app/api/connections/[id]/schema/route.ts';
import * as connectionTestRoute from '../app/api/connections/[id]/test/route.ts';
import * as connectionsRoute from '../app/api/connections/route.ts';
import * as cronRoute from '../app/api/cron/tick/route.ts';
import * as dependenciesRoute from '../app/api/dependencies/route.ts';
import * as cancelRoute from '../app/api/executions/[id]/cancel/route.ts';
import * as eventsRoute from '../app/api/executions/[id]/events/route.ts';
import * as logsRoute from '../app/api/executions/[id]/logs/route.ts';
import * as metricsRoute from '../app/api/executions/[id]/metrics/route.ts';
import * as pauseRoute from '../app/api/executions/[id]/pause/route.ts';
import * as reportRoute from '../app/api/executions/[id]/report/route.ts';
import * as resumeRoute from '../app/api/executions/[id]/resume/route.ts';
import * as retryRoute from '../app/api/executions/[id]/retry/route.ts';
import * as stagesRoute from '../app/api/executions/[id]/stages/route.ts';
import * as statusRoute from '../app/api/executions/[id]/status/route.ts';
import * as executionsRoute from '../app/api/executions/route.ts';
import * as startRoute from '../app/api/executions/start/route.ts';
import * as healthRoute from '../app/api/health/route.ts';
import * as backfillRoute from '../app/api/projects/[id]/backfill/route.ts';
import * as exportRoute from '../app/api/projects/[id]/export/route.ts';
import * as previewRoute from '../app/api/projects/[id]/preview/route.ts';
import * as projectRoute from '../app/api/projects/[id]/route.ts';
import * as suggestionsRoute from '../app/api/projects/[id]/suggestions/route.ts';
import * as importRoute from '../app/api/projects/import/route.ts';
import * as projectsRoute from '../app/api/projects/route.ts';
import * as userRoute from '../app/api/users/[id]/route.ts';
import * as usersRoute from '../app/api/users/route.ts';

type Handler = (request: Request, segment: { params: Promise<{ id: string }> }) => Promise<Response>;

/**
 * Every API route and method with the permission it needs. Mutating calls name ids that do not
 * exist or send bodies that fail validation, so an authorised call answers 400 or 404 and changes
 * nothing; what is checked is that the answer is 401 or 403 exactly when it must be.
 */
const ROUTES: readonly (readonly [string, Handler, Permission | 'public', unknown?])[] = [
  ['GET /api/health', healthRoute.GET, 'public'],
  ['POST /api/auth/login', loginRoute.POST, 'public', {}],
  ['POST /api/auth/logout', logoutRoute.POST, 'public'],
  ['GET /api/auth/setup', setupRoute.GET, 'public'],
  ['POST /api/auth/setup', setupRoute.POST, 'public', {}],
  ['GET /api/auth/me', meRoute.GET, 'read'],
  ['GET /api/connections', connectionsRoute.GET, 'read'],
  ['POST /api/connections', connectionsRoute.POST, 'edit', {}],
  ['GET /api/connections/[id]', connectionRoute.GET, 'read'],
  ['PATCH /api/connections/[id]', connectionRoute.PATCH, 'edit', { name: 'x' }],
  ['DELETE /api/connections/[id]', connectionRoute.DELETE, 'edit'],
  ['POST /api/connections/[id]/test', connectionTestRoute.POST, 'edit'],
  ['GET /api/connections/[id]/schema', connectionSchemaRoute.GET, 'read'],
  ['GET /api/projects', projectsRoute.GET, 'read'],
  ['POST /api/projects', projectsRoute.POST, 'edit', {}],
  ['POST /api/projects/import', importRoute.POST, 'edit', {}],
  ['GET /api/projects/[id]', projectRoute.GET, 'read'],
  ['PATCH /api/projects/[id]', projectRoute.PATCH, 'edit', { name: 'x' }],
  ['DELETE /api/projects/[id]', projectRoute.DELETE, 'edit'],
  ['GET /api/projects/[id]/suggestions', suggestionsRoute.GET, 'read'],
  ['GET /api/projects/[id]/preview', previewRoute.GET, 'run'],
  ['GET /api/projects/[id]/export', exportRoute.GET, 'read'],
  ['POST /api/projects/[id]/backfill', backfillRoute.POST, 'run', {}],
  ['GET /api/dependencies', dependenciesRoute.GET, 'read'],
  ['GET /api/executions', executionsRoute.GET, 'read'],
  ['POST /api/executions/start', startRoute.POST, 'run', {}],
  ['GET /api/executions/[id]/status', statusRoute.GET, 'read'],
  ['GET /api/executions/[id]/stages', stagesRoute.GET, 'read'],
  ['GET /api/executions/[id]/logs', logsRoute.GET, 'read'],
  ['GET /api/executions/[id]/metrics', metricsRoute.GET, 'read'],
  ['GET /api/executions/[id]/events', eventsRoute.GET, 'read'],
  ['GET /api/executions/[id]/report', reportRoute.GET, 'read'],
  ['POST /api/executions/[id]/pause', pauseRoute.POST, 'run'],
  ['POST /api/executions/[id]/resume', resumeRoute.POST, 'run'],
  ['POST /api/executions/[id]/retry', retryRoute.POST, 'run'],
  ['POST /api/executions/[id]/cancel', cancelRoute.POST, 'run'],
  ['GET /api/users', usersRoute.GET, 'admin'],
  ['POST /api/users', usersRoute.POST, 'admin', {}],
  ['PATCH /api/users/[id]', userRoute.PATCH, 'admin', { name: 'x' }],
  ['GET /api/api-keys', apiKeysRoute.GET, 'admin'],
  ['POST /api/api-keys', apiKeysRoute.POST, 'admin', {}],
  ['DELETE /api/api-keys/[id]', apiKeyRoute.DELETE, 'admin'],
  ['GET /api/audit', auditRoute.GET, 'admin'],
];

/** Routes only a shared secret opens, whoever else asks: they answer 401 to every identity here. */
const SECRET_ONLY: readonly (readonly [string, Handler])[] = [
  ['GET /api/cron/tick', cronRoute.GET as Handler],
];

const ROLES: readonly UserRole[] = ['viewer', 'operator', 'editor', 'admin'];

interface Identity {
  readonly name: string;
  /** The role the request runs under, or null: it must be refused with 401 (unless public). */
  readonly role: UserRole | null;
  readonly headers: Record<string, string>;
}

describe('authorization matrix: every route × every identity', () => {
  let place: StorePlace;
  let store: Store;
  const identities: Identity[] = [];

  before(async () => {
    place = await freshStorePlace('sqlite');
    store = await openStore(place.options);
    const secret = place.options.sessionSecret;
    setServiceContext({
      store,
      reportsDir: place.options.dataDir,
      env: { sessionSecret: secret, cronSecret: 'the-cron-secret-of-this-test' },
    } as ServiceContext);
    const hour = Date.now() + 3600_000;
    for (const role of ROLES) {
      const user = await createUser(store, {
        email: `${role}@example.com`,
        name: role,
        password: 'a long enough password',
        role,
      });
      const session = sealSession(secret, { userId: user.id, role, expiresAt: hour });
      identities.push({ name: `${role} session`, role, headers: { cookie: `${SESSION_COOKIE}=${session}` } });
      const key = await createApiKey(store, { name: `${role} key`, role });
      identities.push({
        name: `${role} API key`,
        role,
        headers: { authorization: `Bearer ${key.plaintext}` },
      });
    }
    identities.push({ name: 'no credentials', role: null, headers: {} });
    const admin = await createUser(store, {
      email: 'x@example.com',
      name: 'x',
      password: 'a long enough password',
      role: 'admin',
    });
    const good = sealSession(secret, { userId: admin.id, role: 'admin', expiresAt: hour });
    const tampered = `${good.slice(0, -4)}${good.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
    identities.push({
      name: 'tampered session',
      role: null,
      headers: { cookie: `${SESSION_COOKIE}=${tampered}` },
    });
    const forged = sealSession('another-secret-that-is-long-enough-0123456789', {
      userId: admin.id,
      role: 'admin',
      expiresAt: hour,
    });
    identities.push({
      name: 'session sealed with another secret',
      role: null,
      headers: { cookie: `${SESSION_COOKIE}=${forged}` },
    });
    const expiredSession = sealSession(secret, {
      userId: admin.id,
      role: 'admin',
      issuedAt: Date.now() - 7200_000,
      expiresAt: Date.now() - 1000,
    });
    identities.push({
      name: 'expired session',
      role: null,
      headers: { cookie: `${SESSION_COOKIE}=${expiredSession}` },
    });
    const disabled = await createUser(store, {
      email: 'gone@example.com',
      name: 'gone',
      password: 'a long enough password',
      role: 'admin',
    });
    const disabledSession = sealSession(secret, { userId: disabled.id, role: 'admin', expiresAt: hour });
    const disabledUsersKey = await createApiKey(store, {
      name: 'gone',
      role: 'admin',
      createdBy: disabled.id,
    });
    await updateUser(store, disabled.id, { disabled: true });
    identities.push({
      name: 'disabled user',
      role: null,
      headers: { cookie: `${SESSION_COOKIE}=${disabledSession}` },
    });
    identities.push({
      name: 'API key made by a user since disabled',
      role: null,
      headers: { authorization: `Bearer ${disabledUsersKey.plaintext}` },
    });
    const demoted = await createUser(store, {
      email: 'demoted@example.com',
      name: 'demoted',
      password: 'a long enough password',
      role: 'admin',
    });
    const demotedUsersKey = await createApiKey(store, {
      name: 'demoted',
      role: 'admin',
      createdBy: demoted.id,
    });
    await updateUser(store, demoted.id, { role: 'viewer' });
    identities.push({
      name: 'admin API key made by a user since demoted to viewer',
      role: 'viewer',
      headers: { authorization: `Bearer ${demotedUsersKey.plaintext}` },
    });
    const revoked = await createApiKey(store, { name: 'revoked', role: 'admin' });
    await revokeApiKey(store, revoked.apiKey.id);
    identities.push({
      name: 'revoked API key',
      role: null,
      headers: { authorization: `Bearer ${revoked.plaintext}` },
    });
    const expiring = await createApiKey(store, {
      name: 'expiring',
      role: 'admin',
      expiresAt: Date.now() + 50,
    });
    identities.push({
      name: 'expired API key',
      role: null,
      headers: { authorization: `Bearer ${expiring.plaintext}` },
    });
    identities.push({
      name: 'made-up API key',
      role: null,
      headers: { authorization: `Bearer dbk_000000000000_${'0'.repeat(64)}` },
    });
    await new Promise((r) => setTimeout(r, 100));
  });

  after(async () => {
    setServiceContext(undefined);
    await store.close();
    await place.drop();
  });

  it(`answers 401 and 403 exactly where the permission table says, for ${ROUTES.length} routes`, async () => {
    const violations: string[] = [];
    let cases = 0;
    for (const [name, handler, permission, body] of ROUTES) {
      const [method, path] = name.split(' ') as [string, string];
      for (const identity of identities) {
        cases += 1;
        const init: RequestInit = { method, headers: { ...identity.headers } };
        if (body !== undefined) {
          init.body = JSON.stringify(body);
          init.headers = { ...init.headers, 'content-type': 'application/json' };
        }
        const response = await handler(
          new Request(`http://localhost${path.replace('[id]', 'no-such-id')}`, init),
          {
            params: Promise.resolve({ id: 'no-such-id' }),
          },
        );
        await response.body?.cancel();
        const expected =
          permission === 'public'
            ? 'allowed'
            : identity.role === null
              ? 401
              : can(identity.role, permission)
                ? 'allowed'
                : 403;
        const ok =
          expected === 'allowed'
            ? response.status !== 401 && response.status !== 403
            : response.status === expected;
        if (!ok) violations.push(`${name} as ${identity.name}: ${response.status}, expected ${expected}`);
      }
    }
    for (const [name, handler] of SECRET_ONLY) {
      const [method, path] = name.split(' ') as [string, string];
      for (const identity of identities) {
        cases += 1;
        const response = await handler(
          new Request(`http://localhost${path}`, { method, headers: identity.headers }),
          {
            params: Promise.resolve({ id: '' }),
          },
        );
        await response.body?.cancel();
        if (response.status !== 401)
          violations.push(`${name} as ${identity.name}: ${response.status}, expected 401`);
      }
    }
    assert.ok(cases >= 200, `${cases} cases`);
    assert.deepEqual(violations, [], `${violations.length} violation(s) in ${cases} cases`);
  });
});
