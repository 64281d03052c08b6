import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  CLIENT_ADDRESS_HEADER,
  CLIENT_ADDRESS_STAMPED_ENV,
  type ServiceContext,
  setServiceContext,
  stampClientAddress,
  trustedProxyList,
} from '@databridge/queue';
import {
  createUser,
  listAudit,
  openStore,
  type Store,
  setUserPassword,
  type User,
  type UserRole,
} from '@databridge/store';
import {
  freshStorePlace,
  STORE_KINDS,
  type StorePlace,
} from '../../../packages/store/test/support/stores.ts';
import * as apiKeysRoute from '../app/api/api-keys/route.ts';
import * as loginRoute from '../app/api/auth/login/route.ts';
import * as logoutRoute from '../app/api/auth/logout/route.ts';
import * as meRoute from '../app/api/auth/me/route.ts';
import * as sessionsRoute from '../app/api/auth/sessions/route.ts';
import * as connectionsRoute from '../app/api/connections/route.ts';
import * as userRoute from '../app/api/users/[id]/route.ts';
import * as usersRoute from '../app/api/users/route.ts';

type Handler = (request: Request, segment: { params: Promise<{ id: string }> }) => Promise<Response>;

const PASSWORD = 'a long enough password';

interface Call {
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly id?: string;
  /** The client address `databridge serve` would have stamped. */
  readonly from?: string;
}

async function call(handler: Handler, method: string, path: string, options: Call = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.from) headers[CLIENT_ADDRESS_HEADER] = options.from;
  const init: RequestInit = { method, headers };
  if (options.rawBody !== undefined) init.body = options.rawBody;
  else if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await handler(new Request(`http://localhost:3000${path}`, init), {
    params: Promise.resolve({ id: options.id ?? '' }),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: a JSON reply is checked field by field
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, text, setCookie: response.headers.get('set-cookie') ?? '' };
}

const cookieOf = (setCookie: string) => setCookie.split(';')[0]!;

for (const kind of STORE_KINDS) {
  describe(`sign-in, sessions and cross-site checks (${kind} store)`, () => {
    let place: StorePlace;
    let store: Store;
    const stampedBefore = process.env[CLIENT_ADDRESS_STAMPED_ENV];

    before(async () => {
      place = await freshStorePlace(kind);
      store = await openStore(place.options);
      setServiceContext({
        store,
        reportsDir: place.options.dataDir,
        env: { sessionSecret: place.options.sessionSecret, baseUrl: 'http://localhost:3000' },
      } as ServiceContext);
      process.env[CLIENT_ADDRESS_STAMPED_ENV] = '1';
    });

    after(async () => {
      if (stampedBefore === undefined) delete process.env[CLIENT_ADDRESS_STAMPED_ENV];
      else process.env[CLIENT_ADDRESS_STAMPED_ENV] = stampedBefore;
      setServiceContext(undefined);
      await store.close();
      await place.drop();
    });

    let n = 0;
    async function person(role: UserRole): Promise<User> {
      n += 1;
      return createUser(store, {
        email: `${role}${n}@example.com`,
        name: `${role} ${n}`,
        password: PASSWORD,
        role,
      });
    }
    async function signIn(user: User, from = '198.51.100.7', password = PASSWORD) {
      return call(loginRoute.POST as Handler, 'POST', '/api/auth/login', {
        body: { email: user.email, password },
        from,
      });
    }
    async function session(user: User): Promise<string> {
      const reply = await signIn(user);
      assert.equal(reply.status, 200, reply.text);
      return cookieOf(reply.setCookie);
    }
    const me = (headers: Record<string, string>) =>
      call(meRoute.GET as Handler, 'GET', '/api/auth/me', { headers });

    describe('API keys minted by API keys', () => {
      it('belong to the owner of the key that made them, and fall with that owner', async () => {
        const owner = await person('admin');
        const cookie = await session(owner);
        const k1 = await call(apiKeysRoute.POST as Handler, 'POST', '/api/api-keys', {
          headers: { cookie, origin: 'http://localhost:3000' },
          body: { name: 'k1', role: 'admin' },
        });
        assert.equal(k1.status, 201, k1.text);
        const k2 = await call(apiKeysRoute.POST as Handler, 'POST', '/api/api-keys', {
          headers: { authorization: `Bearer ${k1.body.data.key}` },
          body: { name: 'k2', role: 'admin' },
        });
        assert.equal(k2.status, 201, k2.text);
        assert.equal(
          k2.body.data.apiKey.createdBy,
          owner.id,
          'K2 is owned by the owner of K1, not by nobody',
        );
        const bearer = { authorization: `Bearer ${k2.body.data.key}` };
        assert.equal((await me(bearer)).body.data.role, 'admin');

        // Demoting the owner demotes K2; disabling the owner stops it.
        const other = await person('admin');
        const demoted = await call(userRoute.PATCH as Handler, 'PATCH', '/x', {
          headers: { authorization: `Bearer ${k1.body.data.key}` },
          id: owner.id,
          body: { role: 'viewer' },
        });
        assert.equal(demoted.status, 200, demoted.text);
        assert.equal((await me(bearer)).body.data.role, 'viewer');
        assert.equal(
          (await call(usersRoute.GET as Handler, 'GET', '/api/users', { headers: bearer })).status,
          403,
        );
        const otherCookie = await session(other);
        const disabled = await call(userRoute.PATCH as Handler, 'PATCH', '/x', {
          headers: { cookie: otherCookie },
          id: owner.id,
          body: { disabled: true },
        });
        assert.equal(disabled.status, 200, disabled.text);
        assert.equal((await me(bearer)).status, 401);
      });

      it('refuses a key that has no owner (one minted by a key before this fix)', async () => {
        const owner = await person('admin');
        const cookie = await session(owner);
        const made = await call(apiKeysRoute.POST as Handler, 'POST', '/api/api-keys', {
          headers: { cookie },
          body: { name: 'legacy', role: 'admin' },
        });
        const bearer = { authorization: `Bearer ${made.body.data.key}` };
        assert.equal((await me(bearer)).status, 200);
        await store.db
          .updateTable('api_keys')
          .set({ created_by: null })
          .where('id', '=', made.body.data.apiKey.id)
          .execute();
        assert.equal((await me(bearer)).status, 401);
      });
    });

    describe('server-side sessions', () => {
      it('a copied cookie stops working after sign-out', async () => {
        const user = await person('editor');
        const cookie = await session(user);
        assert.equal((await me({ cookie })).status, 200);
        const out = await call(logoutRoute.POST as Handler, 'POST', '/api/auth/logout', {
          headers: { cookie },
        });
        assert.equal(out.status, 200);
        assert.match(out.setCookie, /Max-Age=0/);
        assert.equal((await me({ cookie })).status, 401, 'the copy kept by an attacker is dead too');
      });

      it('a password change ends every session of the user', async () => {
        const user = await person('viewer');
        const [a, b] = [await session(user), await session(user)];
        await setUserPassword(store, user.id, 'another long enough password');
        assert.equal((await me({ cookie: a })).status, 401);
        assert.equal((await me({ cookie: b })).status, 401);
      });

      it('a role change and disabling end the sessions; a rename does not', async () => {
        const admin = await person('admin');
        const adminCookie = await session(admin);
        const user = await person('editor');
        const cookie = await session(user);
        const patch = (body: unknown) =>
          call(userRoute.PATCH as Handler, 'PATCH', '/x', {
            headers: { cookie: adminCookie },
            id: user.id,
            body,
          });
        assert.equal((await patch({ name: 'renamed' })).status, 200);
        assert.equal((await me({ cookie })).status, 200);
        assert.equal((await patch({ role: 'viewer' })).status, 200);
        assert.equal(
          (await me({ cookie })).status,
          401,
          'the editor session does not live on as a viewer one',
        );
        const again = await session(user);
        assert.equal((await me({ cookie: again })).body.data.role, 'viewer');
        assert.equal((await patch({ disabled: true })).status, 200);
        assert.equal((await me({ cookie: again })).status, 401);
      });

      it('"sign out everywhere" ends every browser\'s session of the user, and no one else\'s', async () => {
        const user = await person('operator');
        const bystander = await person('operator');
        const [laptop, phone] = [await session(user), await session(user)];
        const theirs = await session(bystander);
        const reply = await call(sessionsRoute.DELETE as Handler, 'DELETE', '/api/auth/sessions', {
          headers: { cookie: laptop },
        });
        assert.equal(reply.status, 200, reply.text);
        assert.equal(reply.body.data.sessionsEnded, 2);
        assert.equal((await me({ cookie: laptop })).status, 401);
        assert.equal((await me({ cookie: phone })).status, 401);
        assert.equal((await me({ cookie: theirs })).status, 200);
      });
    });

    describe('housekeeping', () => {
      it('a sign-in deletes sessions and failed attempts older than a day, and nothing newer', async () => {
        const user = await person('viewer');
        const [old, recent] = [await session(user), await session(user)];
        assert.equal((await me({ cookie: old })).status, 200);
        await call(logoutRoute.POST as Handler, 'POST', '/api/auth/logout', { headers: { cookie: old } });
        await call(logoutRoute.POST as Handler, 'POST', '/api/auth/logout', { headers: { cookie: recent } });
        const twoDaysAgo = new Date(Date.now() - 48 * 3600_000).toISOString();
        const rows = await store.db
          .selectFrom('sessions')
          .select('id')
          .where('user_id', '=', user.id)
          .execute();
        assert.equal(rows.length, 2);
        await store.db
          .updateTable('sessions')
          .set({ ended_at: twoDaysAgo })
          .where('id', '=', rows[0]!.id)
          .execute();
        await store.db
          .insertInto('login_attempts')
          .values({ key: 'address:192.0.2.1', at: twoDaysAgo })
          .execute();
        await store.db
          .insertInto('login_attempts')
          .values({ key: 'address:192.0.2.2', at: new Date().toISOString() })
          .execute();
        await session(await person('viewer'));
        const left = await store.db
          .selectFrom('sessions')
          .select('id')
          .where('user_id', '=', user.id)
          .execute();
        assert.deepEqual(
          left.map((r) => r.id),
          [rows[1]!.id],
        );
        const attempts = await store.db
          .selectFrom('login_attempts')
          .select('key')
          .where('key', 'like', 'address:192.0.2.%')
          .execute();
        assert.deepEqual(
          attempts.map((a) => a.key),
          ['address:192.0.2.2'],
        );
      });
    });

    describe('sign-in limits', () => {
      it('an attacker guessing from one address cannot lock the owner out from theirs', async () => {
        const owner = await person('admin');
        const attacker = '203.0.113.66';
        const answers: number[] = [];
        for (let i = 0; i < 12; i++) answers.push((await signIn(owner, attacker, 'wrong password')).status);
        assert.deepEqual(answers.slice(0, 5), [401, 401, 401, 401, 401]);
        assert.deepEqual(new Set(answers.slice(5)), new Set([429]), 'the attacker waits after five');
        const ownerTry = await signIn(owner, '198.51.100.20');
        assert.equal(ownerTry.status, 200, ownerTry.text);
        // Even the right password waits at the attacker's address.
        assert.equal((await signIn(owner, attacker)).status, 429);
      });

      // One IPv6 host is usually given a whole /64: counting each address alone would give it 2^64
      // addresses of five free guesses each at the owner's password.
      it('an attacker moving through the addresses of one IPv6 /64 meets the same limits', async () => {
        const owner = await person('admin');
        const answers: number[] = [];
        for (let i = 1; i <= 8; i++) {
          answers.push((await signIn(owner, `2001:db8:66:1::${i.toString(16)}`, 'wrong password')).status);
        }
        assert.deepEqual(answers, [401, 401, 401, 401, 401, 429, 429, 429]);
        // Another network is not held up by it.
        assert.equal((await signIn(owner, '2001:db8:66:2::1')).status, 200);
      });

      it('the wait grows with each failure past the fifth', async () => {
        const owner = await person('viewer');
        const from = '203.0.113.67';
        for (let i = 0; i < 5; i++) assert.equal((await signIn(owner, from, 'wrong')).status, 401);
        const first = await signIn(owner, from, 'wrong');
        assert.equal(first.status, 429);
        const waits: number[] = [];
        const key = `account-address:${owner.email} ${from}`;
        for (let extra = 0; extra < 3; extra++) {
          // Backdate the attempts past the current wait, then fail once more.
          const rows = await store.db
            .selectFrom('login_attempts')
            .select(['id', 'at'])
            .where('key', '=', key)
            .execute();
          for (const row of rows) {
            const at = new Date(Date.parse(String(row.at)) - 20 * 60_000).toISOString();
            await store.db.updateTable('login_attempts').set({ at }).where('id', '=', row.id).execute();
          }
          assert.equal((await signIn(owner, from, 'wrong')).status, 401);
          const limited = await signIn(owner, from, 'wrong');
          assert.equal(limited.status, 429);
          const retryAt = /after (\S+)$/.exec(limited.body.error.message)?.[1];
          waits.push(Date.parse(retryAt!) - Date.now());
        }
        assert.ok(waits[0]! < waits[1]! && waits[1]! < waits[2]!, `growing waits: ${waits.join(', ')} ms`);
      });

      it('without a known address, failures on many accounts do not stop everyone signing in', async () => {
        const owner = await person('editor');
        for (let i = 0; i < 55; i++) {
          const reply = await call(loginRoute.POST as Handler, 'POST', '/api/auth/login', {
            body: { email: `stranger${i}@example.com`, password: 'wrong' },
          });
          assert.equal(reply.status, 401, `attempt ${i + 1}`);
        }
        assert.equal(
          (
            await call(loginRoute.POST as Handler, 'POST', '/api/auth/login', {
              body: { email: owner.email, password: PASSWORD },
            })
          ).status,
          200,
        );
      });

      it('keeps a per-address limit over every account', async () => {
        const from = '203.0.113.68';
        let status = 0;
        for (let i = 0; i < 51 && status !== 429; i++) {
          status = (
            await call(loginRoute.POST as Handler, 'POST', '/api/auth/login', {
              body: { email: `nobody${i}@example.com`, password: 'wrong' },
              from,
            })
          ).status;
        }
        assert.equal(status, 429);
      });
    });

    describe('cross-site requests', () => {
      const connection = { name: 'x', url: 'postgres://u@127.0.0.1:1/db' };
      async function post(headers: Record<string, string>, options: Partial<Call> = {}) {
        return call(connectionsRoute.POST as Handler, 'POST', '/api/connections', {
          headers,
          body: connection,
          ...options,
        });
      }

      it('refuses a signed-in browser POST from another site, by Origin or by Sec-Fetch-Site', async () => {
        const cookie = await session(await person('editor'));
        const evil = await post({ cookie, origin: 'http://evil.example' });
        assert.equal(evil.status, 403, evil.text);
        assert.equal(evil.body.error.code, 'forbidden');
        assert.match(evil.body.error.message, /cross-site request refused: origin http:\/\/evil\.example/);
        const marked = await post({ cookie, 'sec-fetch-site': 'cross-site' });
        assert.equal(marked.status, 403);
        assert.equal((await post({ cookie, 'sec-fetch-site': 'same-site' })).status, 403);
        assert.equal((await post({ cookie, origin: 'null' })).status, 403);
        const rows = await store.db.selectFrom('connections').select('id').execute();
        assert.equal(rows.length, 0, 'nothing was created');
      });

      it('refuses text/plain and form bodies with 415 in the JSON error shape', async () => {
        const cookie = await session(await person('editor'));
        for (const type of [
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
        ]) {
          const reply = await post(
            { cookie, 'content-type': type },
            { body: undefined, rawBody: JSON.stringify(connection) },
          );
          assert.equal(reply.status, 415, `${type}: ${reply.text}`);
          assert.equal(reply.body.success, false);
          assert.equal(reply.body.error.code, 'unsupported_media_type');
        }
        // A body with no content type at all is not JSON either.
        const bare = await call(connectionsRoute.POST as Handler, 'POST', '/api/connections', {
          headers: { cookie },
          rawBody: JSON.stringify(connection),
        });
        assert.equal(bare.status, 415, bare.text);
      });

      it('lets same-origin browsers and API-key clients through', async () => {
        const cookie = await session(await person('editor'));
        const same = await post({ cookie, origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' });
        assert.equal(same.status, 201, same.text);
        // Behind a proxy that ends TLS without X-Forwarded-Proto: the browser's https origin, our Host.
        const proxied = await post(
          { cookie, origin: 'https://databridge.example.com', host: 'databridge.example.com' },
          { body: { ...connection, name: 'behind a proxy' } },
        );
        assert.equal(proxied.status, 201, proxied.text);
        const spoofed = await post({
          cookie,
          origin: 'https://evil.example',
          host: 'databridge.example.com',
        });
        assert.equal(spoofed.status, 403, spoofed.text);
        const key = await call(apiKeysRoute.POST as Handler, 'POST', '/api/api-keys', {
          headers: { cookie: await session(await person('admin')) },
          body: { name: 'ci', role: 'editor' },
        });
        assert.equal(key.status, 201, key.text);
        const viaKey = await post(
          { authorization: `Bearer ${key.body.data.key}`, origin: 'http://evil.example' },
          { body: { ...connection, name: 'y' } },
        );
        assert.equal(viaKey.status, 201, viaKey.text);
      });
    });
  });
}

describe('client address behind databridge serve', () => {
  let place: StorePlace;
  let store: Store;

  before(async () => {
    place = await freshStorePlace('sqlite');
    store = await openStore(place.options);
    setServiceContext({
      store,
      reportsDir: place.options.dataDir,
      env: { sessionSecret: place.options.sessionSecret, baseUrl: 'http://localhost:3000' },
    } as ServiceContext);
  });
  after(async () => {
    setServiceContext(undefined);
    await store.close();
    await place.drop();
  });

  /** A real HTTP server that stamps the address as serve does, then hands the request to the route. */
  async function serve(trusted: string[]) {
    const list = trustedProxyList(trusted);
    const server = createServer(async (request: IncomingMessage, response) => {
      stampClientAddress(request, list);
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string') headers.set(name, value);
      }
      const reply = await (loginRoute.POST as Handler)(
        new Request(`http://localhost${request.url}`, {
          method: request.method,
          headers,
          body: Buffer.concat(chunks),
        }),
        { params: Promise.resolve({ id: '' }) },
      );
      response.writeHead(reply.status, { 'content-type': 'application/json' });
      response.end(await reply.text());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    return {
      url: `http://127.0.0.1:${port}/api/auth/login`,
      close: () => new Promise((r) => server.close(r)),
    };
  }

  async function lastAuditAddress(): Promise<string | null> {
    return (await listAudit(store, { limit: 1 })).items[0]?.ip ?? null;
  }

  it('ignores a spoofed X-Forwarded-For and a forged address header from a client that is not a trusted proxy', async () => {
    const stamped = process.env[CLIENT_ADDRESS_STAMPED_ENV];
    process.env[CLIENT_ADDRESS_STAMPED_ENV] = '1';
    const server = await serve([]);
    try {
      const reply = await fetch(server.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': '203.0.113.9',
          [CLIENT_ADDRESS_HEADER]: '203.0.113.10',
        },
        body: JSON.stringify({ email: 'someone@example.com', password: 'wrong' }),
      });
      assert.equal(reply.status, 401);
      assert.equal(await lastAuditAddress(), '127.0.0.1');
    } finally {
      await server.close();
      process.env[CLIENT_ADDRESS_STAMPED_ENV] = stamped;
    }
  });

  it('believes X-Forwarded-For from a configured proxy, from the right past every trusted hop', async () => {
    const stamped = process.env[CLIENT_ADDRESS_STAMPED_ENV];
    process.env[CLIENT_ADDRESS_STAMPED_ENV] = '1';
    const server = await serve(['127.0.0.0/8', '10.0.0.0/8']);
    try {
      await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '6.6.6.6, 198.51.100.4, 10.1.2.3' },
        body: JSON.stringify({ email: 'someone@example.com', password: 'wrong' }),
      });
      // 6.6.6.6 was written by the client itself; 198.51.100.4 is what the first trusted proxy saw.
      assert.equal(await lastAuditAddress(), '198.51.100.4');
    } finally {
      await server.close();
      process.env[CLIENT_ADDRESS_STAMPED_ENV] = stamped;
    }
  });

  // Some proxies write the hop with its port (Azure's `198.51.100.4:51234`, `[2001:db8::4]:443`). A
  // hop that is not read as an address must never let the entry left of it, which the client wrote
  // itself, stand in for the client.
  it('reads a hop written with its port, and never skips an unreadable hop to believe the client', async () => {
    const stamped = process.env[CLIENT_ADDRESS_STAMPED_ENV];
    process.env[CLIENT_ADDRESS_STAMPED_ENV] = '1';
    const server = await serve(['127.0.0.0/8']);
    try {
      for (const [forwarded, expected] of [
        ['6.6.6.6, 198.51.100.4:51234', '198.51.100.4'],
        ['6.6.6.6, [2001:db8::4]:443', '2001:db8::4'],
        ['6.6.6.6, not-an-address', 'unknown'],
      ] as const) {
        await fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': forwarded },
          body: JSON.stringify({ email: 'someone@example.com', password: 'wrong' }),
        });
        assert.equal(await lastAuditAddress(), expected, forwarded);
      }
    } finally {
      await server.close();
      process.env[CLIENT_ADDRESS_STAMPED_ENV] = stamped;
    }
  });

  // Where the app runs without serve (next start behind a platform, Vercel) every client would be
  // `unknown`, and five failures from anyone would make the owner wait too. The platform's own
  // header, named by the operator, tells clients apart; a value that is no address is unknown.
  it('reads the address from DATABRIDGE_CLIENT_ADDRESS_HEADER without serve, so an attacker does not lock the owner out', async () => {
    const stamped = process.env[CLIENT_ADDRESS_STAMPED_ENV];
    delete process.env[CLIENT_ADDRESS_STAMPED_ENV];
    process.env.DATABRIDGE_CLIENT_ADDRESS_HEADER = 'x-real-ip';
    try {
      const owner = await createUser(store, {
        email: 'platform-owner@example.com',
        name: 'owner',
        password: PASSWORD,
        role: 'admin',
      });
      const attempt = (from: string, password: string) =>
        call(loginRoute.POST as Handler, 'POST', '/api/auth/login', {
          headers: { 'x-real-ip': from },
          body: { email: owner.email, password },
        });
      for (let i = 0; i < 7; i++) await attempt('203.0.113.70', 'wrong password');
      assert.equal((await attempt('203.0.113.70', 'wrong password')).status, 429);
      assert.equal(await lastAuditAddress(), '203.0.113.70');
      assert.equal((await attempt('198.51.100.71', PASSWORD)).status, 200, 'the owner signs in from theirs');
      await attempt('not an address', 'wrong password');
      assert.equal(await lastAuditAddress(), 'unknown');
    } finally {
      delete process.env.DATABRIDGE_CLIENT_ADDRESS_HEADER;
      if (stamped !== undefined) process.env[CLIENT_ADDRESS_STAMPED_ENV] = stamped;
    }
  });

  it('reads no header at all when the app is not run by databridge serve', async () => {
    const stamped = process.env[CLIENT_ADDRESS_STAMPED_ENV];
    delete process.env[CLIENT_ADDRESS_STAMPED_ENV];
    try {
      await call(loginRoute.POST as Handler, 'POST', '/api/auth/login', {
        headers: { 'x-forwarded-for': '203.0.113.9' },
        body: { email: 'someone@example.com', password: 'wrong' },
        from: '203.0.113.10',
      });
      assert.equal(await lastAuditAddress(), 'unknown');
    } finally {
      if (stamped !== undefined) process.env[CLIENT_ADDRESS_STAMPED_ENV] = stamped;
    }
  });
});
