import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  type AuditEntry,
  type AuditQuery,
  appendAudit,
  appendLogEntries,
  authenticateApiKey,
  clearLoginAttempts,
  countAdmins,
  createApiKey,
  createConnection,
  createExecution,
  createProject,
  createUser,
  ensureFirstAdmin,
  getApiKey,
  getExecution,
  getProject,
  getUser,
  isLimited,
  isStoreError,
  listApiKeys,
  listAudit,
  listLogEntries,
  listUsers,
  loginLimitState,
  MIGRATION_NAMES,
  openStore,
  pruneLoginAttempts,
  recordLoginAttempt,
  revealConnectionUrl,
  revokeApiKey,
  rotateSessionSecret,
  type Store,
  scrubSecrets,
  sealSession,
  unsealSession,
  updateUser,
  verifyPassword,
} from '../src/index.ts';
import { migrateStore } from '../src/migrate.ts';
import { connectStore } from '../src/open-store.ts';
import { legacyConnection, SOURCE_URL, specInput, TARGET_URL, unique } from './support/fixtures.ts';
import { freshStorePlace, SECRET, STORE_KINDS, type StorePlace } from './support/stores.ts';

const PASSWORD = 'correct horse battery staple';
const NEW_SECRET = 'rotated-session-secret-fedcba9876543210fedcba98';
const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);

for (const kind of STORE_KINDS) {
  describe(`security (${kind})`, () => {
    let place: StorePlace;
    let store: Store;
    const places: StorePlace[] = [];
    const fresh = async () => {
      const another = await freshStorePlace(kind);
      places.push(another);
      return another;
    };
    before(async () => {
      place = await fresh();
      store = await openStore(place.options);
    });
    after(async () => {
      await store?.close();
      await Promise.all(places.map((p) => p.drop()));
    });

    describe('users', () => {
      it('stores an argon2id hash only, and verifies the password under any letter case of the email', async () => {
        const email = `${unique('Ada')}@Example.com`;
        const user = await createUser(store, { email, name: 'Ada', password: PASSWORD, role: 'editor' });
        assert.equal(user.email, email);
        assert.equal(user.role, 'editor');
        assert.equal(user.disabledAt, null);
        assert.doesNotMatch(JSON.stringify([user, await listUsers(store)]), /horse|argon2/);

        const row = await store.db
          .selectFrom('users')
          .selectAll()
          .where('id', '=', user.id)
          .executeTakeFirstOrThrow();
        assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
        assert.doesNotMatch(JSON.stringify(row), /horse/);

        const ok = await verifyPassword(store, `  ${email.toUpperCase()} `, PASSWORD);
        assert.ok(ok.ok);
        assert.deepEqual(ok.user, user);
        assert.deepEqual(await verifyPassword(store, email, `${PASSWORD}!`), {
          ok: false,
          reason: 'wrong_password',
        });
        assert.deepEqual(await verifyPassword(store, 'nobody@example.com', PASSWORD), {
          ok: false,
          reason: 'unknown_email',
        });
      });

      it('spends as long on an unknown email as on a wrong password', async () => {
        const email = `${unique('timing')}@example.com`;
        await createUser(store, { email, name: 'T', password: PASSWORD, role: 'viewer' });
        const median = async (who: string) => {
          const times: number[] = [];
          for (let i = 0; i < 7; i++) {
            const start = performance.now();
            await verifyPassword(store, who, 'not the password at all');
            times.push(performance.now() - start);
          }
          return times.sort((a, b) => a - b)[3]!;
        };
        await median('warm-up@example.com');
        const known = await median(email);
        const unknown = await median('stranger@example.com');
        // argon2 ran for the stranger too: no order-of-magnitude gap for an attacker to measure.
        assert.ok(unknown > known * 0.5, `unknown ${unknown.toFixed(1)} ms, known ${known.toFixed(1)} ms`);
      });

      it('refuses an email taken in any letter case, with a clear conflict', async () => {
        const email = `${unique('grace')}@example.com`;
        await createUser(store, { email, name: 'Grace', password: PASSWORD, role: 'viewer' });
        await assert.rejects(
          createUser(store, {
            email: ` ${email.toUpperCase()}`,
            name: 'G',
            password: PASSWORD,
            role: 'viewer',
          }),
          (error) => {
            assert.ok(isStoreError(error) && error.code === 'conflict', String(error));
            assert.equal(error.message, `A user with the email "${email.toUpperCase()}" already exists`);
            return true;
          },
        );
      });

      it('refuses a short password, a non-email and an unknown role', async () => {
        const email = `${unique('weak')}@example.com`;
        await assert.rejects(
          createUser(store, { email, name: 'W', password: 'short', role: 'viewer' }),
          code('bad_input', /password: must be at least 12 characters/),
        );
        await assert.rejects(
          createUser(store, { email: 'not an email', name: 'W', password: PASSWORD, role: 'viewer' }),
          code('bad_input', /^E-mail “not an email” is not an e-mail address\./),
        );
        await assert.rejects(
          createUser(store, { email, name: 'W', password: PASSWORD, role: 'root' as never }),
          code('bad_input', /role: "root"/),
        );
      });

      it('renames, changes roles and disables, but never the last enabled admin', async () => {
        const admin = await createUser(store, {
          email: `${unique('boss')}@example.com`,
          name: 'Boss',
          password: PASSWORD,
          role: 'admin',
        });
        const admins = await countAdmins(store);
        const user = await createUser(store, {
          email: `${unique('op')}@example.com`,
          name: 'Op',
          password: PASSWORD,
          role: 'viewer',
        });
        const renamed = await updateUser(store, user.id, { name: ' Operator ', role: 'operator' });
        assert.equal(renamed.name, 'Operator');
        assert.equal(renamed.role, 'operator');

        const disabled = await updateUser(store, user.id, { disabled: true });
        assert.ok(disabled.disabledAt);
        assert.equal((await updateUser(store, user.id, { disabled: true })).disabledAt, disabled.disabledAt);
        assert.deepEqual(await verifyPassword(store, user.email, PASSWORD), {
          ok: false,
          reason: 'disabled',
        });
        assert.equal((await updateUser(store, user.id, { disabled: false })).disabledAt, null);
        assert.ok((await verifyPassword(store, user.email, PASSWORD)).ok);

        // Demote every other admin, then the last one must stay.
        for (const other of (await listUsers(store)).filter((u) => u.role === 'admin' && u.id !== admin.id)) {
          await updateUser(store, other.id, { role: 'editor' });
        }
        assert.equal(await countAdmins(store), 1, `there were ${admins}`);
        await assert.rejects(
          updateUser(store, admin.id, { role: 'editor' }),
          code('conflict', /last enabled admin/),
        );
        await assert.rejects(
          updateUser(store, admin.id, { disabled: true }),
          code('conflict', /last enabled admin/),
        );
        await updateUser(store, user.id, { role: 'admin' });
        assert.equal((await updateUser(store, admin.id, { disabled: true })).role, 'admin');
        assert.equal(await countAdmins(store), 1);
        await assert.rejects(updateUser(store, 'no-such-user', { name: 'x' }), code('not_found'));
      });

      it('lets only one of two admins demoting each other at the same moment win', async () => {
        const own = await openStore((await fresh()).options);
        try {
          const [a, b] = await Promise.all(
            ['a', 'b'].map((who) =>
              createUser(own, { email: `${who}@example.com`, name: who, password: PASSWORD, role: 'admin' }),
            ),
          );
          const outcomes = await Promise.allSettled([
            updateUser(own, a!.id, { role: 'viewer' }),
            updateUser(own, b!.id, { disabled: true }),
          ]);
          assert.deepEqual(outcomes.map((o) => o.status).sort(), ['fulfilled', 'rejected']);
          const refused = outcomes.find((o) => o.status === 'rejected');
          assert.ok(refused && code('conflict', /last enabled admin/)(refused.reason));
          assert.equal(await countAdmins(own), 1);
        } finally {
          await own.close();
        }
      });

      it('creates the first admin once, even from two starts at the same moment', async () => {
        const own = await openStore((await fresh()).options);
        try {
          const email = 'admin@example.com';
          const results = await Promise.all([
            ensureFirstAdmin(own, email, PASSWORD),
            ensureFirstAdmin(own, email, PASSWORD),
          ]);
          const created = results.filter((r) => r !== null);
          assert.equal(created.length, 1);
          assert.equal(created[0]?.role, 'admin');
          assert.equal(created[0]?.name, 'Administrator');
          assert.equal(await countAdmins(own), 1);
          assert.equal(await ensureFirstAdmin(own, 'other@example.com', PASSWORD), null);
          assert.deepEqual(
            (await listUsers(own)).map((u) => u.email),
            [email],
          );
          assert.ok((await verifyPassword(own, email, PASSWORD)).ok);
        } finally {
          await own.close();
        }
      });
    });

    describe('API keys', () => {
      let creator: string;
      before(async () => {
        creator = (
          await createUser(store, {
            email: `${unique('keys')}@example.com`,
            name: 'Key maker',
            password: PASSWORD,
            role: 'admin',
          })
        ).id;
      });

      it('shows a key once, keeps only its SHA-256, and authenticates it', async () => {
        const { apiKey, plaintext } = await createApiKey(store, {
          name: 'ci',
          role: 'operator',
          createdBy: creator,
        });
        assert.match(plaintext, /^dbk_[0-9a-f]{12}_[0-9a-f]{64}$/);
        assert.ok(plaintext.startsWith(`${apiKey.prefix}_`));
        assert.equal(apiKey.role, 'operator');
        assert.equal(apiKey.createdBy, creator);
        assert.equal(apiKey.lastUsedAt, null);

        const secretPart = plaintext.slice(apiKey.prefix.length + 1);
        const shown = JSON.stringify([apiKey, await getApiKey(store, apiKey.id), await listApiKeys(store)]);
        assert.doesNotMatch(shown, new RegExp(secretPart));
        assert.doesNotMatch(shown, /key_?hash/i);
        const row = await store.db
          .selectFrom('api_keys')
          .selectAll()
          .where('id', '=', apiKey.id)
          .executeTakeFirstOrThrow();
        assert.equal(row.key_hash, createHash('sha256').update(plaintext).digest('hex'));
        assert.doesNotMatch(JSON.stringify(row), new RegExp(secretPart));

        const found = await authenticateApiKey(store, ` ${plaintext}\n`);
        assert.equal(found?.id, apiKey.id);
        assert.ok(found?.lastUsedAt);
        assert.equal((await getApiKey(store, apiKey.id))?.lastUsedAt, found?.lastUsedAt);
        // Used again within the minute: no second write.
        const soon = Date.parse(found.lastUsedAt) + 5_000;
        assert.equal(
          (await authenticateApiKey(store, plaintext, { now: soon }))?.lastUsedAt,
          found.lastUsedAt,
        );
      });

      it('rejects a wrong, malformed, revoked or expired key', async () => {
        const { apiKey, plaintext } = await createApiKey(store, {
          name: 'doomed',
          role: 'viewer',
          createdBy: creator,
        });
        const last = plaintext.at(-1) === '0' ? '1' : '0';
        assert.equal(await authenticateApiKey(store, plaintext.slice(0, -1) + last), null);
        assert.equal(await authenticateApiKey(store, `${apiKey.prefix}_${'0'.repeat(64)}`), null);
        assert.equal(await authenticateApiKey(store, `dbk_000000000000_${'0'.repeat(64)}`), null);
        for (const junk of ['', 'Bearer x', apiKey.prefix, plaintext.toUpperCase(), `${plaintext}0`]) {
          assert.equal(await authenticateApiKey(store, junk), null, junk);
        }

        assert.ok(await authenticateApiKey(store, plaintext));
        assert.equal(await revokeApiKey(store, apiKey.id), true);
        assert.equal(await revokeApiKey(store, apiKey.id), false);
        assert.ok((await getApiKey(store, apiKey.id))?.revokedAt);
        assert.equal(await authenticateApiKey(store, plaintext), null);
        assert.equal(await revokeApiKey(store, 'no-such-key'), false);

        const expiring = await createApiKey(store, {
          name: 'short-lived',
          role: 'editor',
          createdBy: creator,
          expiresAt: Date.now() + 60_000,
        });
        assert.ok(await authenticateApiKey(store, expiring.plaintext));
        assert.equal(
          await authenticateApiKey(store, expiring.plaintext, {
            now: Date.parse(expiring.apiKey.expiresAt!),
          }),
          null,
        );
      });

      it('refuses a past expiry, a missing name, a missing owner and an unknown creator', async () => {
        await assert.rejects(
          createApiKey(store, {
            name: 'late',
            role: 'viewer',
            createdBy: creator,
            expiresAt: Date.now() - 1,
          }),
          code('bad_input', /expiresAt: must be in the future/),
        );
        await assert.rejects(
          createApiKey(store, { name: ' ', role: 'viewer', createdBy: creator }),
          code('bad_input', /name/),
        );
        await assert.rejects(
          createApiKey(store, { name: 'ownerless', role: 'viewer', createdBy: '' }),
          code('bad_input', /createdBy: an API key needs the user it acts for/),
        );
        await assert.rejects(
          createApiKey(store, { name: 'orphan', role: 'viewer', createdBy: 'no-such-user' }),
          code('not_found', /no user no-such-user/),
        );
      });
    });

    describe('audit log', () => {
      const ada = { kind: 'user', id: 'user-ada', display: 'ada@example.com' } as const;
      const ci = { kind: 'api_key', id: 'key-ci', display: 'ci (dbk_0123456789ab)' } as const;
      before(async () => {
        for (let i = 0; i < 25; i++) {
          await appendAudit(store, {
            // Two entries share each second, so pages must break ties by id.
            at: T0 + Math.floor(i / 2) * 1000,
            actor: i % 5 === 0 ? ci : ada,
            action: i % 2 === 0 ? 'project.update' : 'execution.start',
            target: { kind: 'project', id: `project-${i % 3}` },
            ip: '203.0.113.9',
            details: { i },
          });
        }
      });

      async function all(query: AuditQuery): Promise<AuditEntry[][]> {
        const pages: AuditEntry[][] = [];
        let cursor: string | undefined;
        do {
          const page = await listAudit(store, { ...query, cursor });
          pages.push(page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return pages;
      }
      const numbers = (pages: AuditEntry[][]) => pages.flat().map((e) => (e.details as { i: number }).i);
      const range = (n: number, keep: (i: number) => boolean = () => true) =>
        Array.from({ length: n }, (_, i) => n - 1 - i).filter(keep);

      it('lists newest first, page by page, with nothing repeated or missed', async () => {
        const window = { from: T0, to: T0 + 60_000 };
        const pages = await all({ ...window, limit: 10 });
        assert.deepEqual(
          pages.map((p) => p.length),
          [10, 10, 5],
        );
        assert.deepEqual(numbers(pages), range(25));
        const first = pages[0]![0]!;
        assert.equal(first.at, new Date(T0 + 12_000).toISOString());
        assert.deepEqual(first.actor, ada);
        assert.equal(first.action, 'project.update');
        assert.deepEqual(first.target, { kind: 'project', id: 'project-0' });
        assert.equal(first.ip, '203.0.113.9');
        await assert.rejects(listAudit(store, { cursor: 'nonsense' }), code('bad_input'));
      });

      it('filters by actor, action, target and time range', async () => {
        const window = { from: T0, to: T0 + 60_000 };
        assert.deepEqual(
          numbers(await all({ ...window, actorKind: 'api_key', limit: 2 })),
          range(25, (i) => i % 5 === 0),
        );
        assert.deepEqual(
          numbers(await all({ ...window, actorId: 'user-ada', action: 'execution.start' })),
          range(25, (i) => i % 5 !== 0 && i % 2 === 1),
        );
        assert.deepEqual(
          numbers(await all({ ...window, targetKind: 'project', targetId: 'project-1' })),
          range(25, (i) => i % 3 === 1),
        );
        // Seconds 2 to 4: entries 4 to 9 (`to` is exclusive).
        assert.deepEqual(
          numbers(await all({ from: T0 + 2000, to: T0 + 5000, limit: 4 })),
          [9, 8, 7, 6, 5, 4],
        );
      });

      it('scrubs passwords, tokens and URL credentials from the details before writing them', async () => {
        const key = `dbk_0123456789ab_${'f'.repeat(64)}`;
        const entry = await appendAudit(store, {
          actor: { kind: 'system', id: null, display: 'DataBridge' },
          action: 'connection.update',
          target: { kind: 'connection', id: 'conn-1' },
          details: {
            before: { name: 'shop', url: SOURCE_URL, password: 's3cr3t-pa55' },
            after: {
              name: 'shop-eu',
              url: TARGET_URL,
              options: { sslPassword: 'x', API_KEY: 'y', port: 5432 },
            },
            note: `retried ${TARGET_URL} with key ${key}`,
          },
        });
        const expected = {
          before: {
            name: 'shop',
            url: 'postgres://app:***@db.example.com:5432/shop?sslmode=require',
            password: '***',
          },
          after: {
            name: 'shop-eu',
            url: 'mysql://loader:***@warehouse.example.com/dw',
            options: { sslPassword: '***', API_KEY: '***', port: 5432 },
          },
          note: 'retried mysql://loader:***@warehouse.example.com/dw with key dbk_0123456789ab_***',
        };
        assert.deepEqual(entry.details, expected);
        const [stored] = (await listAudit(store, { action: 'connection.update', limit: 1 })).items;
        assert.deepEqual(stored?.details, expected);
        const row = await store.db
          .selectFrom('audit_log')
          .selectAll()
          .where('id', '=', entry.id)
          .executeTakeFirstOrThrow();
        assert.doesNotMatch(JSON.stringify(row), /s3cr3t|an0ther|ffffffff/);
        assert.equal(entry.actor.id, null);
      });

      it('refuses an unknown actor kind and an empty action', async () => {
        await assert.rejects(
          appendAudit(store, { actor: { kind: 'robot' as never, id: null, display: 'r' }, action: 'x' }),
          code('bad_input', /actor.kind/),
        );
        await assert.rejects(appendAudit(store, { actor: ada, action: ' ' }), code('bad_input', /action/));
      });
    });

    describe('login rate limit', () => {
      it('limits a key after max attempts within the window, and forgets them on success', async () => {
        const account = unique('account:ada@example.com');
        const address = unique('address:203.0.113.9');
        const limit = { max: 3, windowMs: 60_000 };
        for (const offset of [0, 1000, 2000]) await recordLoginAttempt(store, account, T0 + offset);
        await recordLoginAttempt(store, address, T0);

        assert.equal(await isLimited(store, account, { ...limit, now: T0 + 1500 }), false);
        assert.deepEqual(await loginLimitState(store, account, { ...limit, now: T0 + 3000 }), {
          limited: true,
          attempts: 3,
          retryAt: new Date(T0 + 60_000).toISOString(),
        });
        assert.equal(await isLimited(store, account, { ...limit, now: T0 + 59_999 }), true);
        // The first attempt has left the window.
        assert.equal(await isLimited(store, account, { ...limit, now: T0 + 60_000 }), false);
        assert.equal(await isLimited(store, address, { ...limit, now: T0 + 3000 }), false);

        await clearLoginAttempts(store, account);
        assert.equal(await isLimited(store, account, { ...limit, now: T0 + 3000 }), false);
        assert.equal(await isLimited(store, address, { max: 1, windowMs: 60_000, now: T0 + 3000 }), true);
        assert.equal(await pruneLoginAttempts(store, T0 + 1), 1);
        assert.equal(await isLimited(store, address, { max: 1, windowMs: 60_000, now: T0 + 3000 }), false);
        await assert.rejects(isLimited(store, account, { max: 0, windowMs: 1 }), code('bad_input'));
      });
    });

    describe('rotating SESSION_SECRET', () => {
      it('re-seals every connection URL under the new secret, and only under it', async () => {
        const own = await fresh();
        const rotating = await openStore(own.options);
        const shop = await createConnection(rotating, { name: 'shop', url: SOURCE_URL });
        const dw = await createConnection(rotating, { name: 'dw', url: TARGET_URL });
        assert.deepEqual(await rotateSessionSecret(rotating, SECRET, NEW_SECRET), {
          reencrypted: 2,
          alreadyCurrent: 0,
        });
        // Run again (say the command was retried): nothing left to do.
        assert.deepEqual(await rotateSessionSecret(rotating, SECRET, NEW_SECRET), {
          reencrypted: 0,
          alreadyCurrent: 2,
        });
        await assert.rejects(revealConnectionUrl(rotating, shop.id), code('secret_mismatch'));
        await rotating.close();

        const restarted = await openStore({ ...own.options, sessionSecret: NEW_SECRET });
        try {
          assert.equal(await revealConnectionUrl(restarted, shop.id), SOURCE_URL);
          assert.equal(await revealConnectionUrl(restarted, dw.id), TARGET_URL);
        } finally {
          await restarted.close();
        }
      });

      it('changes nothing when one URL opens under neither secret', async () => {
        const own = await fresh();
        const current = await openStore(own.options);
        const stranger = await openStore({
          ...own.options,
          sessionSecret: 'a-third-secret-0123456789abcdef0123456789',
        });
        try {
          const shop = await createConnection(current, { name: 'shop', url: SOURCE_URL });
          await createConnection(stranger, { name: 'foreign', url: TARGET_URL });
          await assert.rejects(
            rotateSessionSecret(current, SECRET, NEW_SECRET),
            code('secret_mismatch', /connection "foreign" opens under neither/),
          );
          assert.equal(await revealConnectionUrl(current, shop.id), SOURCE_URL);
          await assert.rejects(rotateSessionSecret(current, SECRET, SECRET), code('bad_input'));
          await assert.rejects(rotateSessionSecret(current, SECRET, 'short'), code('bad_input'));
        } finally {
          await stranger.close();
          await current.close();
        }
      });
    });

    describe('migration 0003_security', () => {
      it('upgrades a store at 0002 in place, keeping its rows', async () => {
        const own = await fresh();
        const old = await connectStore(own.options);
        assert.deepEqual(await migrateStore(old.db, old.dialect, { to: '0002_run_telemetry' }), [
          '0001_core',
          '0002_run_telemetry',
        ]);
        const source = await legacyConnection(old, 'shop', SOURCE_URL);
        const project = await createProject(old, {
          name: 'legacy',
          sourceConnectionId: source.id,
          targetConnectionId: source.id,
          spec: specInput(),
        });
        const execution = await createExecution(old, { projectId: project.id });
        await appendLogEntries(old, execution.id, [{ level: 'info', message: 'before 0003' }]);
        await old.close();

        const upgraded = await openStore(own.options);
        try {
          // 0003 and whatever came after it.
          assert.deepEqual(upgraded.appliedMigrations, MIGRATION_NAMES.slice(2));
          assert.equal(upgraded.appliedMigrations[0], '0003_security');
          assert.equal(await revealConnectionUrl(upgraded, source.id), SOURCE_URL);
          assert.deepEqual((await getProject(upgraded, project.id))?.spec, project.spec);
          assert.equal((await getExecution(upgraded, execution.id))?.status, 'pending');
          assert.equal((await listLogEntries(upgraded, execution.id)).items[0]?.message, 'before 0003');
          // The new tables work beside the old rows.
          const admin = await ensureFirstAdmin(upgraded, 'first@example.com', PASSWORD);
          assert.ok(admin && (await getUser(upgraded, admin.id)));
          assert.ok(
            await authenticateApiKey(
              upgraded,
              (await createApiKey(upgraded, { name: 'k', role: 'viewer', createdBy: admin.id })).plaintext,
            ),
          );
          await appendAudit(upgraded, { actor: { kind: 'cron', id: null, display: 'cron' }, action: 'tick' });
          assert.equal((await listAudit(upgraded)).items.length, 1);
          await recordLoginAttempt(upgraded, 'address:x');
          assert.equal(await isLimited(upgraded, 'address:x', { max: 1, windowMs: 60_000 }), true);
        } finally {
          await upgraded.close();
        }
      });
    });
  });
}

describe('session tokens', () => {
  const session = {
    sessionId: 'session-1',
    userId: 'user-1',
    role: 'operator',
    issuedAt: T0,
    expiresAt: T0 + 3_600_000,
  } as const;
  const now = { now: T0 + 60_000 };

  it('round-trips a session as an opaque, cookie-safe value', () => {
    const token = sealSession(SECRET, session);
    assert.match(token, /^v1\.[A-Za-z0-9_-]+$/);
    assert.doesNotMatch(Buffer.from(token.slice(3), 'base64url').toString('latin1'), /user-1|operator/);
    assert.notEqual(sealSession(SECRET, session), token, 'a fresh IV each time');
    assert.deepEqual(unsealSession(SECRET, token, now), {
      ok: true,
      session: {
        sessionId: 'session-1',
        userId: 'user-1',
        role: 'operator',
        issuedAt: new Date(T0).toISOString(),
        expiresAt: new Date(T0 + 3_600_000).toISOString(),
      },
    });
  });

  it('refuses a value with any byte changed: IV, tag or ciphertext', () => {
    const token = sealSession(SECRET, session);
    const bytes = Buffer.from(token.slice(3), 'base64url');
    for (const at of [0, 11, 12, 27, 28, bytes.length - 1]) {
      const altered = Buffer.from(bytes);
      altered[at]! ^= 0x01;
      assert.deepEqual(unsealSession(SECRET, `v1.${altered.toString('base64url')}`, now), {
        ok: false,
        reason: 'invalid',
      });
    }
    assert.deepEqual(unsealSession(SECRET, `v1.${bytes.subarray(0, -1).toString('base64url')}`, now), {
      ok: false,
      reason: 'invalid',
    });
  });

  it('refuses an expired session, one sealed under another secret, and junk', () => {
    const token = sealSession(SECRET, session);
    assert.deepEqual(unsealSession(SECRET, token, { now: session.expiresAt }), {
      ok: false,
      reason: 'expired',
    });
    assert.deepEqual(unsealSession(NEW_SECRET, token, now), { ok: false, reason: 'invalid' });
    for (const junk of ['', 'v1.', 'v1', 'v2.abcd', `${token}.x`, 'v1.abc$', 'v1.AAAA']) {
      assert.deepEqual(unsealSession(SECRET, junk, now), { ok: false, reason: 'malformed' }, junk);
    }
    assert.throws(() => sealSession('short', session), code('bad_input', /SESSION_SECRET/));
  });
});

describe('scrubSecrets', () => {
  it('masks secret-named keys at any depth and credentials inside any text, leaving the rest', () => {
    assert.deepEqual(
      scrubSecrets({
        list: [{ Password: 'a' }, { client_secret: 'b' }, { 'x-api-key': 'c' }, { pwd: 'd' }],
        authorization: 'Bearer abc',
        accessToken: null,
        keyVersion: 1,
        passes: 3,
        url: 'postgres://db.example.com/shop?user=app&password=qs-pa55',
        plain: 'https://example.com/docs',
        when: new Date(T0),
      }),
      {
        list: [{ Password: '***' }, { client_secret: '***' }, { 'x-api-key': '***' }, { pwd: '***' }],
        authorization: '***',
        accessToken: null,
        keyVersion: 1,
        passes: 3,
        url: 'postgres://db.example.com/shop?user=app&password=***',
        plain: 'https://example.com/docs',
        when: new Date(T0).toISOString(),
      },
    );
  });
});

function code(expected: string, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(isStoreError(error), String(error));
    assert.equal(error.code, expected);
    if (message) assert.match(error.message, message);
    return true;
  };
}
