import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { freshMysql, freshPostgres, rawExec, type TestDatabase } from './support/databases.ts';
import { runSpec } from './support/run-spec.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

/** A parent row the target refuses (a zero date), two children of it and a grandchild. */
const FIXTURE = `
SET SESSION sql_mode = '';
CREATE TABLE team (id int PRIMARY KEY, founded date NOT NULL);
CREATE TABLE player (id int PRIMARY KEY, team_id int NULL, name varchar(20) NOT NULL,
  CONSTRAINT fk_player_team FOREIGN KEY (team_id) REFERENCES team (id));
CREATE TABLE goal (id int PRIMARY KEY, player_id int NOT NULL,
  CONSTRAINT fk_goal_player FOREIGN KEY (player_id) REFERENCES player (id));
INSERT INTO team VALUES (1, '2001-01-01'), (2, '0000-00-00'), (3, '2003-03-03');
INSERT INTO player VALUES (10, 1, 'ann'), (20, 2, 'bo'), (21, 2, 'cy'), (30, NULL, 'di');
INSERT INTO goal VALUES (100, 10), (200, 20), (300, 30);
`;

function spec(source: TestDatabase, target: TestDatabase, policy: string): string {
  return `name: orphans
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true, errorPolicy: ${policy} }
mappings:
  - { source: team, target: team, columns: [{ source: id, target: id }, { source: founded, target: founded }] }
  - { source: player, target: player, columns: [{ source: id, target: id }, { source: team_id, target: team_id }, { source: name, target: name }] }
  - { source: goal, target: goal, columns: [{ source: id, target: id }, { source: player_id, target: player_id }] }
`;
}

const pg = async (db: TestDatabase, sql: string) =>
  (await rawExec(db, 'postgres', sql)) as Record<string, unknown>[];

async function foreignKeys(target: TestDatabase): Promise<string[]> {
  const rows = await pg(
    target,
    `SELECT conrelid::regclass::text || ':' || convalidated AS fk FROM pg_constraint WHERE contype = 'f' ORDER BY 1`,
  );
  return rows.map((r) => String(r.fk));
}

describe('rows whose parent was rejected', () => {
  test('skip_and_log: the children and grandchildren of a rejected row are rejected naming it; the counts add up and every foreign key is there', async () => {
    const [source, target] = await Promise.all([freshMysql(), freshPostgres()]);
    databases.push(source, target);
    await rawExec(source, 'mysql', FIXTURE);
    const summary = await runSpec(spec(source, target, 'skip_and_log'));
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    const byTable = Object.fromEntries(
      summary.tables.map((t) => [t.target, [t.rowsWritten, t.rowsRejected]]),
    );
    assert.deepEqual(byTable, {
      'public.team': [2, 1],
      'public.player': [2, 2],
      'public.goal': [2, 1],
    });
    assert.ok(
      summary.validation.every((v) => v.problems.length === 0),
      JSON.stringify(summary.validation),
    );
    assert.deepEqual(await foreignKeys(target), ['goal:true', 'player:true']);
    const player = summary.rejectedRows.find((r) => r.table === 'public.player');
    assert.match(player?.reason ?? '', /parent row public\.team \(id\) = \(2\) was rejected/);
    const goal = summary.rejectedRows.find((r) => r.table === 'public.goal');
    assert.match(goal?.reason ?? '', /parent row public\.player \(id\) = \(20\)/);
    assert.deepEqual(await pg(target, 'SELECT id FROM player ORDER BY id'), [{ id: 10 }, { id: 30 }]);
  });

  test('continue: the same rows are rejected and listed, the run fails for them, not for a missing key', async () => {
    const [source, target] = await Promise.all([freshMysql(), freshPostgres()]);
    databases.push(source, target);
    await rawExec(source, 'mysql', FIXTURE);
    const summary = await runSpec(spec(source, target, 'continue'));
    assert.equal(summary.status, 'failed');
    assert.equal(summary.error?.code, 'bad_value', summary.error?.message ?? '');
    assert.match(
      summary.error?.message ?? '',
      /4 row\(s\) rejected in public\.team \(1\), public\.player \(2\), public\.goal \(1\)/,
    );
    assert.deepEqual(await foreignKeys(target), ['goal:true', 'player:true']);
  });

  test('a self-referencing key on a MySQL target: the descendants of a rejected row are rejected too and the key is added', async () => {
    const [source, target] = await Promise.all([freshMysql(), freshMysql()]);
    databases.push(source, target);
    await rawExec(
      source,
      'mysql',
      `SET SESSION sql_mode = '';
       CREATE TABLE node (id int PRIMARY KEY, parent_id int NULL, born date NOT NULL,
         CONSTRAINT fk_node_parent FOREIGN KEY (parent_id) REFERENCES node (id));
       INSERT INTO node VALUES (1, NULL, '2001-01-01'), (2, 1, '0000-00-00'), (3, 2, '2003-03-03'),
         (4, 3, '2004-04-04'), (5, 1, '2005-05-05');`,
    );
    const summary = await runSpec(`name: tree
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { createTables: true, errorPolicy: skip_and_log }
mappings:
  - { source: node, target: node, columns: [{ source: id, target: id }, { source: parent_id, target: parent_id }, { source: born, target: born }] }
`);
    assert.equal(summary.status, 'completed', summary.error?.message ?? '');
    assert.deepEqual(
      summary.tables.map((t) => [t.rowsWritten, t.rowsRejected]),
      [[2, 3]],
    );
    assert.deepEqual(
      summary.warnings.filter((w) => /foreign key/i.test(w.message)),
      [],
      'no key is left out',
    );
    const ids = (await rawExec(target, 'mysql', 'SELECT id FROM node ORDER BY id')) as { id: number }[];
    assert.deepEqual(
      ids.map((r) => r.id),
      [1, 5],
    );
    const [key] = (await rawExec(
      target,
      'mysql',
      `SELECT count(*) AS n FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = 'node'`,
    )) as { n: number }[];
    assert.equal(Number(key!.n), 1);
  });
});
