import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { freshDatabase, rawExec, type TestDatabase, type TestDialect } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

/**
 * Every transformation, from every source into every target: string operations in order, a default
 * for NULL, a constant, a custom expression evaluated by the source, and an excluded column.
 */
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const SOURCE_DDL: Record<TestDialect, string> = {
  postgres: `CREATE TABLE people (id int PRIMARY KEY, first_name varchar(40), last_name varchar(40), city varchar(40), code varchar(10), secret varchar(40));`,
  mysql: `CREATE TABLE people (id int PRIMARY KEY, first_name varchar(40), last_name varchar(40), city varchar(40), code varchar(10), secret varchar(40));`,
  sqlite: `CREATE TABLE people (id INTEGER PRIMARY KEY, first_name VARCHAR(40), last_name VARCHAR(40), city VARCHAR(40), code VARCHAR(10), secret VARCHAR(40));`,
};
const ROWS = `INSERT INTO people VALUES (1, '  Ada ', 'Lovelace', 'london', '7', 'x'), (2, 'Alan', 'Turing', NULL, '42', 'y'), (3, 'Grace', 'Hopper', 'new york', NULL, 'z');`;
const CONCAT: Record<TestDialect, string> = {
  postgres: "first_name || ' ' || last_name",
  mysql: "CONCAT(first_name, ' ', last_name)",
  sqlite: "first_name || ' ' || last_name",
};

const dialects: TestDialect[] = ['postgres', 'mysql', 'sqlite'];
for (const from of dialects) {
  for (const to of dialects) {
    describe(`transformations ${from} -> ${to}`, () => {
      test('trim, upper, lower, substring, replace, pads, prefix, suffix, default, constant, expression, exclusion', async () => {
        const source = await freshDatabase(from);
        const target = await freshDatabase(to);
        databases.push(source, target);
        await rawExec(source, from, SOURCE_DDL[from] + ROWS);
        const summary = await runSpec(`source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true }
mappings:
  - source: people
    target: contacts
    exclude: [secret]
    columns:
      - { source: id, target: id }
      - { source: first_name, target: first, transform: [trim, upper] }
      - { source: last_name, target: initials, transform: [lower, { substring: { start: 1, length: 3 } }] }
      - { source: city, target: city, default: unknown, transform: [{ replace: { from: "new ", to: "New " } }] }
      - { source: code, target: code, default: "0", transform: [{ padLeft: { length: 4, with: "0" } }] }
      - { source: last_name, target: tagged, transform: [{ prefix: "<" }, { suffix: ">" }, { padRight: { length: 12, with: "." } }] }
      - { target: origin, default: ${from} }
      - { expression: "${CONCAT[from]}", target: full_name }
`);
        assert.equal(summary.status, 'completed', summary.error?.message ?? '');
        const rows = (await rawExec(target, to, 'SELECT * FROM contacts ORDER BY id')) as Record<
          string,
          unknown
        >[];
        assert.deepEqual(
          rows.map((r) => ({ ...r, id: Number(r.id) })),
          [
            {
              id: 1,
              first: 'ADA',
              initials: 'lov',
              city: 'london',
              code: '0007',
              tagged: '<Lovelace>..',
              origin: from,
              full_name: '  Ada  Lovelace',
            },
            {
              id: 2,
              first: 'ALAN',
              initials: 'tur',
              city: 'unknown',
              code: '0042',
              tagged: '<Turing>....',
              origin: from,
              full_name: 'Alan Turing',
            },
            {
              id: 3,
              first: 'GRACE',
              initials: 'hop',
              city: 'New york',
              code: '0000',
              tagged: '<Hopper>....',
              origin: from,
              full_name: 'Grace Hopper',
            },
          ],
        );
        assert.ok(!('secret' in rows[0]!), 'the excluded column is not copied');
      });
    });
  }
}
