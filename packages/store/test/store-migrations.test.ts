import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  appendLogEntries,
  createProject,
  createStageRuns,
  getConnection,
  getExecution,
  getProject,
  isStoreError,
  listLogEntries,
  listStageRuns,
  MIGRATION_NAMES,
  openStore,
  revealConnectionUrl,
  SQLITE_FILE_NAME,
  updateProgress,
} from '../src/index.ts';
import { migrateStore } from '../src/migrate.ts';
import { connectStore } from '../src/open-store.ts';
import { legacyConnection, SOURCE_URL, specInput } from './support/fixtures.ts';
import { startMigratingProcess } from './support/open-store-child.ts';
import { freshStorePlace, PG_ADMIN_URL, SECRET, STORE_KINDS, type StorePlace } from './support/stores.ts';

const where = (place: StorePlace) =>
  place.options.databaseUrl ?? join(place.options.dataDir, SQLITE_FILE_NAME);

for (const kind of STORE_KINDS) {
  describe(`store migrations (${kind})`, () => {
    const places: StorePlace[] = [];
    const fresh = async () => {
      const place = await freshStorePlace(kind);
      places.push(place);
      return place;
    };
    after(async () => {
      await Promise.all(places.map((p) => p.drop()));
    });

    it('migrates once when processes and opens in one process all start at once', async () => {
      const place = await fresh();
      const children = [1, 2].map(() => startMigratingProcess(kind, where(place)));
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.go();
      const stores = await Promise.all([1, 2].map(() => openStore(place.options)));
      try {
        const applied = [
          ...(await Promise.all(children.map((c) => c.applied))),
          ...stores.map((s) => s.appliedMigrations),
        ];
        assert.deepEqual(applied.flat(), MIGRATION_NAMES, JSON.stringify(applied));
        assert.equal(applied.filter((a) => a.length > 0).length, 1);
        const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
          stores[0]!.db,
        );
        assert.deepEqual(
          rows.map((r) => r.name),
          MIGRATION_NAMES,
        );
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
      const again = await openStore(place.options);
      assert.deepEqual(again.appliedMigrations, [], 'a later open applies nothing');
      await again.close();
    });

    it('upgrades a store written by the first migration only, in place, keeping its rows', async () => {
      const place = await fresh();
      const old = await connectStore(place.options);
      assert.deepEqual(await migrateStore(old.db, old.dialect, { to: '0001_core' }), ['0001_core']);
      const source = await legacyConnection(old, 'shop', SOURCE_URL);
      const project = await createProject(old, {
        name: 'legacy',
        sourceConnectionId: source.id,
        targetConnectionId: source.id,
        spec: specInput(),
      });
      // An execution as the first schema knew it: no progress columns yet.
      await old.db
        .insertInto('executions')
        .values({
          id: 'exec-v1',
          project_id: project.id,
          status: 'completed',
          trigger: 'manual',
          attempt: 2,
          started_at: '2026-01-02T03:04:05.000Z',
          ended_at: '2026-01-02T03:14:05.000Z',
          created_at: '2026-01-02T03:04:00.000Z',
        } as never)
        .execute();
      await createStageRuns(old, 'exec-v1');
      await old.close();

      const store = await openStore(place.options);
      try {
        assert.deepEqual(store.appliedMigrations, MIGRATION_NAMES.slice(1));
        assert.equal((await getConnection(store, source.id))?.name, 'shop');
        assert.equal(await revealConnectionUrl(store, source.id), SOURCE_URL);
        assert.deepEqual((await getProject(store, project.id))?.spec, project.spec);
        const execution = await getExecution(store, 'exec-v1');
        assert.equal(execution?.status, 'completed');
        assert.equal(execution?.attempt, 2);
        assert.equal(execution?.startedAt, '2026-01-02T03:04:05.000Z');
        assert.equal(execution?.recordsProcessed, 0);
        assert.equal(execution?.recordsTotalIsEstimate, false);
        assert.equal((await listStageRuns(store, 'exec-v1')).length, 6);
        // And the new tables and columns work on the old rows.
        assert.equal(
          await updateProgress(store, 'exec-v1', { recordsProcessed: 10, recordsTotal: 10 }),
          true,
        );
        await appendLogEntries(store, 'exec-v1', [{ level: 'info', message: 'upgraded' }]);
        assert.equal((await listLogEntries(store, 'exec-v1')).items[0]?.message, 'upgraded');
      } finally {
        await store.close();
      }
    });
  });
}

describe('openStore refuses bad settings', () => {
  let place: StorePlace;
  before(async () => {
    place = await freshStorePlace('sqlite');
  });
  after(async () => {
    await place.drop();
  });

  it('a SESSION_SECRET shorter than 32 characters', async () => {
    await assert.rejects(openStore({ ...place.options, sessionSecret: 'short' }), (error) => {
      assert.ok(isStoreError(error) && error.code === 'bad_input');
      assert.match(error.message, /SESSION_SECRET must be at least 32 characters/);
      return true;
    });
  });

  it('a DATABASE_URL that is not PostgreSQL', async () => {
    await assert.rejects(
      openStore({ ...place.options, databaseUrl: 'mysql://root:pw@localhost/meta' }),
      (error) => {
        assert.ok(isStoreError(error) && error.code === 'bad_input');
        assert.match(error.message, /DATABASE_URL must be a postgres:\/\/ URL, not "mysql:\/\/root:\*\*\*@/);
        return true;
      },
    );
  });

  it('a PostgreSQL that does not answer, named without its password', async () => {
    const url = PG_ADMIN_URL.replace(/\/\/([^@/]*@)?[^/]*\//, '//meta:hunter2@127.0.0.1:1/');
    await assert.rejects(
      openStore({ dataDir: place.options.dataDir, databaseUrl: url, sessionSecret: SECRET }),
      (error) => {
        assert.ok(isStoreError(error) && error.code === 'unavailable');
        assert.doesNotMatch(error.message, /hunter2/);
        assert.match(error.message, /meta:\*\*\*@127\.0\.0\.1:1/);
        return true;
      },
    );
  });
});
