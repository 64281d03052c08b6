import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { dagIdFor } from '../src/dag/airflow-names.ts';
import { buildRunDag } from '../src/dag/run-dag.ts';
import { planMigration } from '../src/plan/plan-migration.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { freshDatabase, rawExec, type TestDatabase } from './support/databases.ts';

/**
 * The run as a DAG: ids Airflow accepts, one task per stage and per load task (per key range when a
 * table splits), and foreign-key edges between load tasks only when keys are checked row by row.
 */
const AIRFLOW_ID = /^[a-z0-9_]{1,250}$/;
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

describe('dag_id', () => {
  test('a name with spaces, accents and 300 characters gives a valid, recognisable dag_id', () => {
    const name = `Ventes Été Crème brûlée ${'x'.repeat(280)}`;
    const id = dagIdFor(name);
    assert.match(id, AIRFLOW_ID);
    assert.ok(id.startsWith('databridge__ventes_ete_creme_brulee_xxx'), id);
    assert.equal(id.length, 250);
    assert.notEqual(dagIdFor(`${name}y`), id, 'two long names that differ only at the end');
    assert.equal(dagIdFor('Chinook → Postgres (nightly)'), 'databridge__chinook_postgres_nightly');
    assert.equal(dagIdFor('***'), 'databridge__project');
  });
});

async function threeLevels(foreignKeyCheck: 'per_row' | 'after_load') {
  const source = await freshDatabase('sqlite');
  const target = await freshDatabase('sqlite');
  databases.push(source, target);
  const artists = Array.from({ length: 600 }, (_, i) => `(${i + 1}, 'artist ${i + 1}')`).join(', ');
  const ddl = `CREATE TABLE artist (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
     CREATE TABLE album (id INTEGER PRIMARY KEY, artist_id INTEGER NOT NULL REFERENCES artist (id));
     CREATE TABLE invoice_line (id INTEGER PRIMARY KEY, album_id INTEGER NOT NULL REFERENCES album (id));`;
  await rawExec(
    source,
    'sqlite',
    `${ddl} INSERT INTO artist VALUES ${artists}; INSERT INTO album VALUES (1, 1); INSERT INTO invoice_line VALUES (1, 1);`,
  );
  await rawExec(target, 'sqlite', ddl);
  const text = `name: dag test
source: { url: "${source.url}" }
target: { url: "${target.url}" }
pipeline: { batchSize: 200, parallelism: 3, foreignKeyCheck: ${foreignKeyCheck} }
mappings:
  - { source: invoice_line, target: invoice_line, columns: [{ source: id, target: id }, { source: album_id, target: album_id }] }
  - { source: album, target: album, columns: [{ source: id, target: id }, { source: artist_id, target: artist_id }] }
  - { source: artist, target: artist, columns: [{ source: id, target: id }, { source: name, target: name }] }
`;
  const { spec, lineOf } = parseSpec(text, 'spec.yaml', {});
  return buildRunDag(await planMigration(spec, lineOf), 'Dag test');
}

describe('tasks and edges', () => {
  test('stages in order, a task per load task and key range, all ids valid in Airflow', async () => {
    const dag = await threeLevels('after_load');
    assert.equal(dag.dagId, 'databridge__dag_test');
    assert.deepEqual(
      dag.tasks.map((t) => t.id),
      [
        'extract',
        'transform',
        'load_dimensions.artist.part_1',
        'load_dimensions.artist.part_2',
        'load_dimensions.artist.part_3',
        'load_dimensions.album',
        'load_dimensions',
        'load_facts.invoice_line',
        'load_facts',
        'validate',
        'report',
      ],
    );
    for (const t of dag.tasks) assert.match(t.id, /^[a-z0-9_.]{1,250}$/);
    const part = dag.tasks.find((t) => t.id === 'load_dimensions.artist.part_2')!;
    assert.equal(part.description, 'main.artist → main.artist: about 600 rows, append, key range 2 of 3');
    assert.deepEqual([part.part, part.parts, part.rowsEstimated, part.mode], [2, 3, 600, 'append']);
    // Checked after the load, the tables of a stage do not wait for each other.
    assert.deepEqual(dag.tasks.find((t) => t.id === 'load_dimensions.album')!.upstream, ['transform']);
    assert.deepEqual(dag.tasks.find((t) => t.id === 'load_facts.invoice_line')!.upstream, [
      'load_dimensions',
    ]);
    assert.deepEqual(dag.tasks.find((t) => t.id === 'load_dimensions')!.upstream, [
      'load_dimensions.artist.part_1',
      'load_dimensions.artist.part_2',
      'load_dimensions.artist.part_3',
      'load_dimensions.album',
    ]);
    assert.deepEqual(dag.tasks.find((t) => t.id === 'validate')!.upstream, ['load_facts']);
    assert.ok(dag.edges.some((e) => e.from === 'extract' && e.to === 'transform'));
  });

  test('checked row by row, a table waits for every key range of the table it references', async () => {
    const dag = await threeLevels('per_row');
    assert.deepEqual(dag.tasks.find((t) => t.id === 'load_dimensions.album')!.upstream, [
      'transform',
      'load_dimensions.artist.part_1',
      'load_dimensions.artist.part_2',
      'load_dimensions.artist.part_3',
    ]);
    assert.equal(dag.edges.filter((e) => e.to === 'load_dimensions.album').length, 4);
  });
});
