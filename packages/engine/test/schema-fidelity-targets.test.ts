import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { freshDatabase, freshMysql, freshPostgres, rawExec, type TestDatabase } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

const columns = (names: readonly string[]) =>
  `[${names.map((n) => `{ source: ${n}, target: ${n} }`).join(', ')}]`;

describe('schema fidelity: the other targets and settings', () => {
  test('enums: check makes a MySQL ENUM a varchar whose CHECK constraint refuses other labels', async () => {
    const [source, target] = await Promise.all([freshMysql(), freshPostgres()]);
    databases.push(source, target);
    await rawExec(
      source,
      'mysql',
      `CREATE TABLE ticket (id int PRIMARY KEY, state enum('open','closed') NOT NULL DEFAULT 'open');
       INSERT INTO ticket VALUES (1, 'open'), (2, 'closed');`,
    );
    const summary = await runSpec(`name: enums
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true, enums: check }
mappings:
  - { source: ticket, target: ticket, columns: ${columns(['id', 'state'])} }
`);
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    const [type] = (await rawExec(
      target,
      'postgres',
      `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'ticket'::regclass AND attname = 'state'`,
    )) as { type: string }[];
    assert.equal(type!.type, 'character varying(6)');
    await rawExec(target, 'postgres', `INSERT INTO ticket (id) VALUES (3)`);
    await assert.rejects(
      rawExec(target, 'postgres', `UPDATE ticket SET state = 'lost' WHERE id = 1`),
      /violates check constraint "ticket_state_check"/,
    );
  });

  test('schema: schema_only creates the tables with their indexes, identities and keys, and moves no row; data_only creates nothing', async () => {
    const [source, target] = await Promise.all([freshMysql(), freshPostgres()]);
    databases.push(source, target);
    await rawExec(
      source,
      'mysql',
      `CREATE TABLE shop (id int AUTO_INCREMENT PRIMARY KEY, name varchar(30) NOT NULL, KEY ix_shop_name (name));
       CREATE TABLE sale (id int AUTO_INCREMENT PRIMARY KEY, shop_id int NOT NULL, CONSTRAINT fk_sale_shop FOREIGN KEY (shop_id) REFERENCES shop (id));
       INSERT INTO shop (name) VALUES ('a'), ('b'); INSERT INTO sale (shop_id) VALUES (1), (2);`,
    );
    const text = (schema: string) => `name: schema
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { schema: ${schema} }
mappings:
  - { source: shop, target: shop, columns: ${columns(['id', 'name'])} }
  - { source: sale, target: sale, columns: ${columns(['id', 'shop_id'])} }
`;
    await assert.rejects(runSpec(text('data_only')), /target table "public\.shop" does not exist/);

    const summary = await runSpec(text('schema_only'));
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    assert.equal(summary.totals.rowsWritten, 0);
    const [state] = (await rawExec(
      target,
      'postgres',
      `SELECT (SELECT count(*) FROM shop)::int AS shops, to_regclass('ix_shop_name') IS NOT NULL AS indexed,
         (SELECT count(*) FROM pg_constraint WHERE contype = 'f')::int AS keys,
         (SELECT count(*) FROM pg_attribute WHERE attidentity = 'd' AND attrelid IN ('shop'::regclass, 'sale'::regclass))::int AS identities`,
    )) as Record<string, unknown>[];
    assert.deepEqual(state, { shops: 0, indexed: true, keys: 1, identities: 2 });
  });

  test('a FULLTEXT index and a prefix index on a text column are not created on PostgreSQL, each named in the plan with the reason', async () => {
    const [source, target] = await Promise.all([freshMysql(), freshPostgres()]);
    databases.push(source, target);
    await rawExec(
      source,
      'mysql',
      `CREATE TABLE post (id int PRIMARY KEY, title varchar(100) NOT NULL, body text NULL,
         FULLTEXT KEY ft_post_body (body), KEY ix_post_body (body(30)), KEY ix_post_title (title(10)));
       INSERT INTO post VALUES (1, 'a', 'x');`,
    );
    const summary = await runSpec(`name: prefix
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true }
mappings:
  - { source: post, target: post, columns: ${columns(['id', 'title', 'body'])} }
`);
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    const notes = summary.warnings.filter((w) => w.kind === 'schema_object').map((w) => w.message);
    assert.ok(
      notes.some((m) => /FULLTEXT index ft_post_body \(body\) is not created/.test(m)),
      notes.join('\n'),
    );
    assert.ok(
      notes.some((m) => /prefix index ix_post_body \(body\) is not created/.test(m)),
      notes.join('\n'),
    );
    // A prefix of a varchar short enough is indexed whole.
    const indexes = (await rawExec(
      target,
      'postgres',
      `SELECT indexname FROM pg_indexes WHERE tablename = 'post' ORDER BY 1`,
    )) as { indexname: string }[];
    assert.deepEqual(
      indexes.map((i) => i.indexname),
      ['ix_post_title', 'post_pkey'],
    );
  });

  test('MariaDB into MariaDB: the created table keeps its ENUM, defaults, ON UPDATE, comments and AUTO_INCREMENT', async () => {
    const [source, target] = await Promise.all([freshMysql(), freshMysql()]);
    databases.push(source, target);
    await rawExec(
      source,
      'mysql',
      `CREATE TABLE note (
         id int AUTO_INCREMENT PRIMARY KEY,
         kind enum('memo','todo') NOT NULL DEFAULT 'todo',
         title varchar(40) NOT NULL DEFAULT 'untitled' COMMENT 'shown first',
         body text NULL,
         created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
         touched_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
       ) COMMENT 'notes';
       INSERT INTO note (kind, title, created_at, touched_at) VALUES ('memo', 'a', '2024-01-01', '2024-01-01'), ('todo', 'b', '2024-01-02', '2024-01-02');`,
    );
    const summary = await runSpec(`name: mariadb
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true }
mappings:
  - { source: note, target: note, columns: ${columns(['id', 'kind', 'title', 'body', 'created_at', 'touched_at'])} }
`);
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    const my = (sql: string) => rawExec(target, 'mysql', sql) as Promise<Record<string, unknown>[]>;
    await my(`INSERT INTO note (body) VALUES ('x')`);
    const [row] = await my(
      `SELECT id, kind, title, created_at > NOW() - INTERVAL 1 HOUR AS fresh FROM note WHERE body = 'x'`,
    );
    assert.deepEqual(row, { id: 3, kind: 'todo', title: 'untitled', fresh: 1 });
    await my(`UPDATE note SET title = 'changed' WHERE id = 1`);
    const [touched] = await my(`SELECT touched_at > '2024-06-01' AS moved FROM note WHERE id = 1`);
    assert.equal(touched!.moved, 1);
    await assert.rejects(my(`UPDATE note SET kind = 'other' WHERE id = 1`), /Data truncated|kind/);
    const [comments] = await my(
      `SELECT (SELECT TABLE_COMMENT FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'note') AS t,
              (SELECT COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'note' AND COLUMN_NAME = 'title') AS c`,
    );
    assert.deepEqual(comments, { t: 'notes', c: 'shown first' });
  });

  test('SQLite into SQLite: the created table keeps its defaults', async () => {
    const [source, target] = await Promise.all([freshDatabase('sqlite'), freshDatabase('sqlite')]);
    databases.push(source, target);
    await rawExec(
      source,
      'sqlite',
      `CREATE TABLE tag (id INTEGER PRIMARY KEY, label TEXT NOT NULL DEFAULT 'new', weight INTEGER DEFAULT (1 + 1), at TEXT DEFAULT CURRENT_TIMESTAMP);
       INSERT INTO tag (id, label) VALUES (5, 'x');`,
    );
    const summary = await runSpec(`name: lite
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true }
mappings:
  - { source: tag, target: tag, columns: ${columns(['id', 'label', 'weight', 'at'])} }
`);
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    await rawExec(target, 'sqlite', 'INSERT INTO tag DEFAULT VALUES');
    const rows = (await rawExec(
      target,
      'sqlite',
      'SELECT id, label, weight, at IS NOT NULL AS dated FROM tag ORDER BY id',
    )) as Record<string, unknown>[];
    assert.deepEqual(rows[1], { id: 6, label: 'new', weight: 2, dated: 1 });
  });

  for (const dialect of ['mysql', 'sqlite'] as const) {
    test(`a created ${dialect} table gets the secondary and unique indexes of its SQLite source after the load`, async () => {
      const [source, target] = await Promise.all([freshDatabase('sqlite'), freshDatabase(dialect)]);
      databases.push(source, target);
      await rawExec(
        source,
        'sqlite',
        `CREATE TABLE item (id INTEGER PRIMARY KEY, sku VARCHAR(20) NOT NULL UNIQUE, shelf VARCHAR(10), bin INTEGER, note TEXT);
         CREATE INDEX ix_item_shelf_bin ON item (shelf, bin);
         CREATE INDEX ix_item_note ON item (note);
         INSERT INTO item VALUES (1, 'a', 'A', 1, 'x'), (2, 'b', 'A', 2, NULL);`,
      );
      const summary = await runSpec(`name: targets
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true }
mappings:
  - { source: item, target: item, columns: ${columns(['id', 'sku', 'shelf', 'bin', 'note'])} }
`);
      assert.equal(summary.status, 'completed', summary.error?.message ?? '');
      const indexes =
        dialect === 'mysql'
          ? ((await rawExec(
              target,
              'mysql',
              `SELECT INDEX_NAME AS name, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) AS cols, MIN(NON_UNIQUE) AS non_unique
               FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'item' AND INDEX_NAME <> 'PRIMARY'
               GROUP BY INDEX_NAME ORDER BY INDEX_NAME`,
            )) as { name: string; cols: string; non_unique: number }[])
          : ((await rawExec(
              target,
              'sqlite',
              `SELECT l.name AS name, (SELECT group_concat(name, ',') FROM pragma_index_info(l.name)) AS cols, 1 - l."unique" AS non_unique
               FROM pragma_index_list('item') l WHERE l.origin <> 'pk' ORDER BY l.name`,
            )) as { name: string; cols: string; non_unique: number }[]);
      const shapes = indexes.map((i) => `${Number(i.non_unique) === 0 ? 'unique ' : ''}${i.cols}`).sort();
      assert.deepEqual(shapes, ['note', 'shelf,bin', 'unique sku']);
    });
  }
});
