import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { openConnection } from '../src/connectors/open.ts';
import { suggestMappings } from '../src/mapping/auto-map.ts';
import type { RunSummary } from '../src/run/run-summary.ts';
import { renderSpecYaml } from '../src/spec/write-spec.ts';
import {
  CHINOOK_COUNTS,
  loadChinookMysql,
  loadChinookPostgres,
  loadChinookSqlite,
} from './support/chinook.ts';
import { freshDatabase, type TestDatabase, type TestDialect } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const EXAMPLES = join(import.meta.dirname, '../../../examples');
const dialects: TestDialect[] = ['postgres', 'mysql', 'sqlite'];
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

async function chinookSource(dialect: TestDialect): Promise<TestDatabase> {
  const db = await freshDatabase(dialect);
  databases.push(db);
  if (dialect === 'postgres') await loadChinookPostgres(db, { withData: true });
  if (dialect === 'mysql') await loadChinookMysql(db);
  if (dialect === 'sqlite') loadChinookSqlite(db);
  return db;
}

async function emptyTarget(dialect: TestDialect): Promise<TestDatabase> {
  const db = await freshDatabase(dialect);
  databases.push(db);
  return db;
}

/** Every table counted and checksummed equal, with the Chinook row counts. */
function assertFaithful(summary: RunSummary, nameOf: (pascal: string) => string): void {
  assert.equal(summary.status, 'completed', summary.error?.message ?? '');
  assert.equal(summary.validation.length, 11);
  for (const v of summary.validation) {
    assert.deepEqual(v.problems, [], v.table);
    assert.ok(
      'matches' in v.checksum && v.checksum.matches,
      `${v.table} checksum: ${JSON.stringify(v.checksum)}`,
    );
  }
  for (const [pascal, count] of Object.entries(CHINOOK_COUNTS)) {
    const table = summary.tables.find((t) => t.target.endsWith(`.${nameOf(pascal)}`));
    assert.ok(table, `${pascal} in the summary`);
    assert.equal(table.rowsWritten, count, pascal);
    assert.equal(table.rowsRead, count, pascal);
    assert.equal(table.rowsRejected, 0, pascal);
  }
  assert.equal(summary.totals.rowsWritten, 15_607);
  assert.equal(summary.stages.find((s) => s.id === 'load_dimensions')!.status, 'completed');
  assert.equal(summary.stages.find((s) => s.id === 'load_facts')!.status, 'completed');
}

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

describe('Chinook examples: PascalCase sources onto the snake_case PostgreSQL schema', () => {
  for (const [dialect, file, variable] of [
    ['mysql', 'chinook-mysql-to-postgres.yaml', 'CHINOOK_MYSQL_URL'],
    ['sqlite', 'chinook-sqlite-to-postgres.yaml', 'CHINOOK_SQLITE_URL'],
  ] as const) {
    test(`${file} runs as written: counts and checksums equal`, async () => {
      const source = await chinookSource(dialect);
      const target = await emptyTarget('postgres');
      await loadChinookPostgres(target, { withData: false });
      const summary = await runSpec(readFileSync(join(EXAMPLES, file), 'utf8'), {
        [variable]: source.url,
        CHINOOK_POSTGRES_URL: target.url,
      });
      assertFaithful(summary, snake);
      const employee = await openConnection(target.url);
      try {
        // Employee.ReportsTo references its own table: loaded NULL, then filled.
        const managers = await employee.query(
          'SELECT count(*)::int AS n FROM employee WHERE reports_to IS NOT NULL',
        );
        assert.equal(managers[0]!.n, 7);
      } finally {
        await employee.close();
      }
    });
  }
});

describe('every connector pair: init a spec against an empty target, create the tables, run', () => {
  for (const from of dialects) {
    for (const to of dialects) {
      test(`${from} -> ${to}`, async () => {
        const source = await chinookSource(from);
        const target = await emptyTarget(to);
        const [s, t] = await Promise.all([openConnection(source.url), openConnection(target.url)]);
        let spec: string;
        try {
          spec = renderSpecYaml({
            name: `${from}-to-${to}`,
            sourceUrl: source.url,
            targetUrl: target.url,
            targetDialect: t.dialect.name,
            suggestions: suggestMappings(await s.introspect(), await t.introspect()),
            sourceDefaultSchema: s.dialect.defaultSchema,
            targetDefaultSchema: t.dialect.defaultSchema,
          });
        } finally {
          await Promise.all([s.close(), t.close()]);
        }
        const summary = await runSpec(spec.replace('batchSize: 5000', 'batchSize: 500'));
        const renamed = (pascal: string) => {
          const sourceName = from === 'postgres' ? snake(pascal) : pascal;
          return to === 'postgres' ? snake(sourceName) : sourceName;
        };
        assertFaithful(summary, renamed);
        const created = await openConnection(target.url);
        try {
          const schema = await created.introspect();
          const invoice = schema.tables.find((x) => x.name === renamed('Invoice'))!;
          assert.deepEqual(invoice.primaryKey, [renamed('InvoiceId')]);
          assert.equal(invoice.foreignKeys.length, 1, 'foreign keys created after the load');
        } finally {
          await created.close();
        }
      });
    }
  }
});

describe('validation catches a target that differs from its source', () => {
  for (const from of ['postgres', 'sqlite'] as const) {
    test(`${from} -> postgres: one changed value after the load fails the checksum (${from === 'postgres' ? 'computed by both servers' : 'computed by DataBridge'})`, async () => {
      const source = await chinookSource(from);
      const target = await emptyTarget('postgres');
      const artist = from === 'postgres' ? 'artist' : 'Artist';
      const id = from === 'postgres' ? 'artist_id' : 'ArtistId';
      const name = from === 'postgres' ? 'name' : 'Name';
      const spec = `source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline:
  createTables: true
  hooks: { post: [{ name: tamper, sql: "UPDATE artist SET name = 'tampered' WHERE artist_id = 3" }] }
mappings:
  - source: ${artist}
    target: artist
    columns: [{ source: ${id}, target: artist_id }, { source: ${name}, target: name }]
`;
      const summary = await runSpec(spec);
      assert.equal(summary.status, 'failed');
      assert.equal(summary.error?.code, 'validation_failed');
      assert.match(summary.error!.message, /public\.artist: checksum of the copied columns differs/);
      assert.ok(summary.validation[0]!.countMatches, 'the counts alone would not have noticed');
    });
  }
});
