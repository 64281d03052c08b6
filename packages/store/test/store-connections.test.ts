import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDataBridgeError } from '@databridge/engine';
import {
  createConnection,
  deleteConnection,
  getConnection,
  isStoreError,
  listConnections,
  openStore,
  recordConnectionTest,
  revealConnectionUrl,
  type Store,
  updateConnection,
} from '../src/index.ts';
import { aProject, SOURCE_URL, TARGET_URL, unique } from './support/fixtures.ts';
import { freshStorePlace, STORE_KINDS, type StorePlace } from './support/stores.ts';

for (const kind of STORE_KINDS) {
  describe(`connections (${kind})`, () => {
    let place: StorePlace;
    let store: Store;
    before(async () => {
      place = await freshStorePlace(kind);
      store = await openStore(place.options);
    });
    after(async () => {
      await store?.close();
      await place?.drop();
    });

    it('creates, lists, renames, re-points and deletes a connection', async () => {
      const name = unique('shop');
      const created = await createConnection(store, { name, url: SOURCE_URL });
      assert.equal(created.name, name);
      assert.equal(created.kind, 'postgres');
      assert.equal(created.url, 'postgres://app:***@db.example.com:5432/shop?sslmode=require');
      assert.deepEqual(await getConnection(store, created.id), created);
      assert.ok((await listConnections(store)).some((c) => c.id === created.id));

      const renamed = await updateConnection(store, created.id, { name: `${name}-eu`, url: TARGET_URL });
      assert.equal(renamed.name, `${name}-eu`);
      assert.equal(renamed.kind, 'mysql');
      assert.equal(await revealConnectionUrl(store, created.id), TARGET_URL);

      assert.equal(await deleteConnection(store, created.id), true);
      assert.equal(await getConnection(store, created.id), undefined);
      assert.equal(await deleteConnection(store, created.id), false);
      await assert.rejects(updateConnection(store, created.id, { name: 'x' }), code('not_found'));
    });

    it('keeps the last test result and time until the URL changes', async () => {
      const created = await createConnection(store, { name: unique('tested'), url: SOURCE_URL });
      assert.equal(created.lastTest, null);
      await recordConnectionTest(store, created.id, {
        ok: false,
        message: 'connection refused',
        latencyMs: 12.4,
        testedAt: '2026-12-02T14:00:00Z',
      });
      const failing = {
        ok: false,
        message: 'connection refused',
        latencyMs: 12,
        testedAt: '2026-12-02T14:00:00.000Z',
      };
      assert.deepEqual((await getConnection(store, created.id))?.lastTest, failing);
      assert.deepEqual((await listConnections(store)).find((c) => c.id === created.id)?.lastTest, failing);
      const renamed = await updateConnection(store, created.id, { name: `${created.name}-x` });
      assert.deepEqual(renamed.lastTest, failing, 'a new name keeps the test');
      const moved = await updateConnection(store, created.id, { url: TARGET_URL });
      assert.equal(moved.lastTest, null, 'a new address forgets the old test');
      await assert.rejects(
        recordConnectionTest(store, 'nope', { ok: true, message: '', latencyMs: 1 }),
        code('not_found'),
      );
    });

    it('never hands the password out except through revealConnectionUrl', async () => {
      const created = await createConnection(store, { name: unique('secret'), url: SOURCE_URL });
      const shown = JSON.stringify([
        created,
        await getConnection(store, created.id),
        await listConnections(store),
      ]);
      assert.doesNotMatch(shown, /s3cr3t-pa55/);
      assert.equal(await revealConnectionUrl(store, created.id), SOURCE_URL);
    });

    it('stores the URL sealed: the ciphertext is not the URL and holds no password', async () => {
      const created = await createConnection(store, { name: unique('sealed'), url: SOURCE_URL });
      const row = await store.db
        .selectFrom('connections')
        .selectAll()
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      assert.notEqual(row.secret_url, SOURCE_URL);
      assert.equal(row.key_version, 1);
      const raw = JSON.stringify(row);
      assert.doesNotMatch(raw, /s3cr3t-pa55/);
      assert.doesNotMatch(Buffer.from(row.secret_url, 'base64').toString('latin1'), /s3cr3t|db\.example/);
      // A fresh IV each time: the same URL never seals to the same text.
      const again = await createConnection(store, { name: unique('sealed'), url: SOURCE_URL });
      const other = await store.db
        .selectFrom('connections')
        .select('secret_url')
        .where('id', '=', again.id)
        .executeTakeFirstOrThrow();
      assert.notEqual(other.secret_url, row.secret_url);
    });

    it('fails clearly under another SESSION_SECRET, and for a value moved to another row', async () => {
      const created = await createConnection(store, { name: unique('rotated'), url: SOURCE_URL });
      const stranger = await openStore({
        ...place.options,
        sessionSecret: 'another-secret-entirely-0123456789abcdef',
      });
      try {
        await assert.rejects(revealConnectionUrl(stranger, created.id), (error) => {
          assert.ok(isStoreError(error) && error.code === 'secret_mismatch');
          assert.match(
            error.message,
            /Cannot decrypt the URL of connection "rotated-\d+": SESSION_SECRET is not/,
          );
          return true;
        });
      } finally {
        await stranger.close();
      }
      const victim = await createConnection(store, { name: unique('victim'), url: TARGET_URL });
      const { secret_url } = await store.db
        .selectFrom('connections')
        .select('secret_url')
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      await store.db.updateTable('connections').set({ secret_url }).where('id', '=', victim.id).execute();
      await assert.rejects(revealConnectionUrl(store, victim.id), code('secret_mismatch'));
    });

    it('masks passwords given as query options too', async () => {
      const url = 'postgres://db.example.com/shop?user=app&password=qs-pa55&sslmode=require';
      const created = await createConnection(store, { name: unique('query'), url });
      assert.equal(created.url, 'postgres://db.example.com/shop?user=app&password=***&sslmode=require');
      assert.equal(await revealConnectionUrl(store, created.id), url);
    });

    it('refuses a taken name, a bad URL and deleting a connection in use', async () => {
      const name = unique('taken');
      await createConnection(store, { name, url: SOURCE_URL });
      await assert.rejects(createConnection(store, { name, url: TARGET_URL }), code('conflict'));
      await assert.rejects(createConnection(store, { name: unique('bad'), url: 'oracle://x/y' }), (error) => {
        assert.ok(isDataBridgeError(error) && error.code === 'bad_url');
        return true;
      });
      const project = await aProject(store);
      await assert.rejects(deleteConnection(store, project.sourceConnectionId), (error) => {
        assert.ok(isStoreError(error) && error.code === 'in_use');
        assert.match(error.message, new RegExp(`"${project.name}"`));
        return true;
      });
    });
  });
}

function code(expected: string) {
  return (error: unknown) => {
    assert.ok(isStoreError(error), String(error));
    assert.equal(error.code, expected);
    return true;
  };
}
