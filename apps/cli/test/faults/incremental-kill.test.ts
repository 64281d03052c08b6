import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  freshDatabase,
  rawExec,
  type TestDatabase,
  type TestDialect,
} from '../../../../packages/engine/test/support/databases.ts';
import { cli, startCli } from '../cli-helpers.ts';
import { sleep, until } from './fault-fixtures.ts';

/**
 * kill -9 of the CLI in the middle of an incremental run's load, then `--resume`: the target equals
 * the source, the run counts each changed row once, and the next run starts from the cursor the
 * resumed run saved.
 */
const ROWS = 60_000;
const CHANGED = 30_000;
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const STAMP = "'2026-01-01 00:00:00'";

async function seed(db: TestDatabase, dialect: TestDialect): Promise<void> {
  const type = dialect === 'postgres' ? 'timestamp' : 'datetime';
  await rawExec(
    db,
    dialect,
    `CREATE TABLE events (id integer PRIMARY KEY, payload varchar(60) NOT NULL, updated_at ${type} NOT NULL)`,
  );
  if (dialect === 'postgres') {
    await rawExec(
      db,
      dialect,
      `INSERT INTO events SELECT g, 'payload ' || g, timestamp ${STAMP} + g * interval '1 second' FROM generate_series(1, ${ROWS}) g`,
    );
  } else if (dialect === 'sqlite') {
    await rawExec(
      db,
      dialect,
      `INSERT INTO events WITH RECURSIVE s (g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < ${ROWS})
       SELECT g, 'payload ' || g, datetime(${STAMP}, '+' || g || ' seconds') FROM s`,
    );
  } else {
    await rawExec(
      db,
      dialect,
      `SET SESSION max_recursive_iterations = ${ROWS + 10};
       INSERT INTO events WITH RECURSIVE s (g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < ${ROWS})
       SELECT g, concat('payload ', g), timestamp ${STAMP} + interval g second FROM s`,
    );
  }
}

/** Changes half the rows (stamped after every earlier one) and adds a thousand. */
async function change(db: TestDatabase, dialect: TestDialect): Promise<void> {
  const later = {
    mysql: "'2026-02-01 00:00:00' + interval id second",
    sqlite: "datetime('2026-02-01', '+' || id || ' seconds')",
    postgres: `timestamp '2026-02-01' + id * interval '1 second'`,
  }[dialect];
  await rawExec(db, dialect, `UPDATE events SET payload = 'changed', updated_at = ${later} WHERE id % 2 = 0`);
  const values = Array.from({ length: 1000 }, (_, i) => `(${ROWS + i + 1}, 'new', '2026-03-01 00:00:00')`);
  await rawExec(db, dialect, `INSERT INTO events VALUES ${values.join(', ')}`);
}

async function rows(db: TestDatabase, dialect: TestDialect): Promise<string[]> {
  const found = (await rawExec(db, dialect, 'SELECT id, payload FROM events ORDER BY id')) as {
    id: number;
    payload: string;
  }[];
  return found.map((r) => `${r.id}|${r.payload}`);
}

interface Sync {
  readonly cursorBefore: unknown;
  readonly cursorAfter: unknown;
  readonly rowsRead: number;
  readonly inserted: number;
  readonly updated: number;
}

describe('kill -9 in the middle of an incremental run, then --resume', () => {
  for (const dialect of ['postgres', 'mysql', 'sqlite'] as const) {
    test(`${dialect} source: exact, each changed row counted once, the cursor saved`, async () => {
      const source = await freshDatabase(dialect);
      const target = await freshDatabase('postgres');
      databases.push(source, target);
      await seed(source, dialect);
      const dir = mkdtempSync(join(tmpdir(), 'databridge-incremental-kill-'));
      const specFile = join(dir, 'spec.yaml');
      writeFileSync(
        specFile,
        `name: events-sync
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { batchSize: 500, parallelism: 2, createTables: true }
mappings:
  - source: events
    target: events
    sync: { mode: incremental_upsert, cursor: updated_at }
    columns:
      - { source: id, target: id }
      - { source: payload, target: payload }
      - { source: updated_at, target: updated_at }
`,
      );
      const env = { DATABRIDGE_DATA_DIR: dir };
      const first = await cli(['run', specFile, '--json'], env);
      assert.equal(first.code, 0, first.stderr);
      await change(source, dialect);

      const child = startCli(['run', specFile, '--json'], env);
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const exited = new Promise((resolve) => child.on('close', resolve));
      const changedInTarget = async () => {
        const [row] = (await rawExec(
          target,
          'postgres',
          "SELECT count(*)::int AS n FROM events WHERE payload = 'changed'",
        )) as { n: number }[];
        return (row?.n ?? 0) >= 2_000;
      };
      await Promise.race([until(changedInTarget, 'the first changed rows'), exited]);
      await sleep(Math.random() * 100);
      child.kill('SIGKILL');
      await exited;
      const runId = /run (\S+)/.exec(stderr)?.[1];
      assert.ok(runId, stderr);
      const [{ n: loaded } = { n: 0 }] = (await rawExec(
        target,
        'postgres',
        "SELECT count(*)::int AS n FROM events WHERE payload = 'changed'",
      )) as { n: number }[];
      assert.ok(loaded < CHANGED, `the kill landed mid-load (${loaded} of ${CHANGED} changed rows in)`);

      const resumed = await cli(['run', specFile, '--resume', runId, '--json'], env);
      assert.equal(resumed.code, 0, resumed.stderr);
      const summary = JSON.parse(resumed.stdout) as { status: string; sync: Sync[] };
      assert.equal(summary.status, 'completed');
      const sync = summary.sync[0]!;
      // The changed rows (the first run's last row among them) and the new ones: each once.
      assert.equal(sync.rowsRead, CHANGED + 1000);
      assert.deepEqual([sync.inserted, sync.updated], [1000, CHANGED]);
      assert.match(String(sync.cursorBefore), /^2026-01-01 16:40:00/);
      assert.match(String(sync.cursorAfter), /^2026-03-01 00:00:00/);
      assert.deepEqual(await rows(target, 'postgres'), await rows(source, dialect));

      const next = await cli(['run', specFile, '--json'], env);
      assert.equal(next.code, 0, next.stderr);
      const quiet = (JSON.parse(next.stdout) as { sync: Sync[] }).sync[0]!;
      assert.equal(quiet.cursorBefore, sync.cursorAfter);
      assert.equal(quiet.rowsRead, 1000, 'the rows sharing the last cursor value, and no other');
    });
  }
});
