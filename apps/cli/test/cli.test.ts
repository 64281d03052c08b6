import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadChinookMysql, loadChinookPostgres } from '../../../packages/engine/test/support/chinook.ts';
import {
  freshDatabase,
  rawExec,
  type TestDatabase,
} from '../../../packages/engine/test/support/databases.ts';
import { cli, REPO, startCli } from './cli-helpers.ts';

const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});
const tempDir = () => mkdtempSync(join(tmpdir(), 'databridge-cli-'));
const CHINOOK_SQLITE_URL = `sqlite:${join(REPO, 'fixtures/chinook/Chinook_Sqlite.sqlite')}`;

/** A user error is one line naming the problem, exit 2, and never a stack trace. */
function assertBadInput(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

describe('databridge demo', () => {
  test('migrates the bundled Chinook into a fresh SQLite target with no server and prints the summary', async () => {
    const dataDir = tempDir();
    const result = await cli(['demo', '--json'], { DATABRIDGE_DATA_DIR: dataDir });
    assert.equal(result.code, 0, result.stderr);
    const summary = JSON.parse(result.stdout);
    assert.equal(summary.status, 'completed');
    // 11 Chinook tables, and Customer feeds a second target (customer_contact) too.
    assert.equal(summary.tables.length, 12);
    assert.equal(summary.totals.rowsWritten, 15_607 + 59);
    assert.equal(summary.totals.rowsRejected, 0);
    assert.ok(summary.validation.every((v: { problems: string[] }) => v.problems.length === 0));
    for (const t of summary.tables) assert.equal(t.rowsRead, t.rowsWritten);
    assert.ok(existsSync(summary.report.html) && existsSync(summary.report.json));
    assert.match(readFileSync(summary.report.html, 'utf8'), /invoice_line/);
    // Run twice: the target is fresh each time.
    const again = await cli(['demo'], { DATABRIDGE_DATA_DIR: dataDir });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /COMPLETED/);
    assert.match(again.stdout, /report: .*report\.html/);
  });
});

describe('databridge inspect', () => {
  test('lists tables, columns with native and normalised types, keys and estimates', async () => {
    const result = await cli(['inspect', CHINOOK_SQLITE_URL]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /main\.Invoice\s+\(~412 rows\)/);
    assert.match(result.stdout, /Total\s+NUMERIC\(10,2\)\s+decimal\s+not null/);
    assert.match(result.stdout, /foreign key \(CustomerId\) -> main\.Customer \(CustomerId\)/);
    const json = JSON.parse((await cli(['inspect', CHINOOK_SQLITE_URL, '--json'])).stdout);
    assert.equal(json.tables.length, 11);
  });

  test('bad URLs, refused passwords and missing files are one clear line and exit 2', async () => {
    assertBadInput(await cli(['inspect', 'oracle://x/y']), /^error: Unsupported connection URL/);
    const refused = await cli(['inspect', 'mysql://root:Sup3rSecret@127.0.0.1:3306/mysql']);
    assertBadInput(refused, /error: .*(denied|refused|password)/i);
    assert.doesNotMatch(refused.stderr + refused.stdout, /Sup3rSecret/);
    assertBadInput(await cli(['inspect', 'postgres://postgres@127.0.0.1:1/x']), /^error: /);
  });
});

describe('databridge init, plan and run', () => {
  test('init writes a spec that maps all of Chinook and runs as written', async () => {
    const source = await freshDatabase('mysql');
    const target = await freshDatabase('postgres');
    databases.push(source, target);
    await loadChinookMysql(source);
    await loadChinookPostgres(target, { withData: false });
    const dir = tempDir();
    const specFile = join(dir, 'spec.yaml');
    const init = await cli(['init', '--source', source.url, '--target', target.url, '-o', specFile]);
    assert.equal(init.code, 0, init.stderr);
    const spec = readFileSync(specFile, 'utf8');
    assert.match(spec, /source: InvoiceLine\n\s+target: invoice_line/);
    assert.match(spec, /\{ source: SupportRepId, target: support_rep_id \}/);
    const plan = await cli(['plan', specFile, '--json']);
    assert.equal(plan.code, 0, plan.stderr);
    const planned = JSON.parse(plan.stdout);
    const facts = planned.stages
      .find((s: { id: string }) => s.id === 'load_facts')
      .tables.map((t: { target: string }) => t.target);
    assert.deepEqual(facts.sort(), ['public.invoice_line', 'public.playlist_track']);
    const run = await cli(['run', specFile, '--json'], { DATABRIDGE_DATA_DIR: dir });
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.totals.rowsWritten, 15_607);
    for (const t of summary.tables)
      assert.ok(typeof t.rowsPerSecond === 'number' && typeof t.seconds === 'number');
  });

  test('an unknown table, an unknown column and a malformed spec name the field and line, exit 2', async () => {
    const dir = tempDir();
    const target = await freshDatabase('sqlite');
    databases.push(target);
    const spec = (mapping: string) =>
      `source: { url: "${CHINOOK_SQLITE_URL}" }\ntarget: { url: "${target.url}" }\npipeline: { createTables: true }\nmappings:\n${mapping}`;
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    assertBadInput(
      await cli([
        'plan',
        write(
          't.yaml',
          spec('  - source: Customers2\n    target: c\n    columns: [{ source: CustomerId, target: id }]\n'),
        ),
      ]),
      /t\.yaml:5 mappings\[0\]\.source: source table "main\.Customers2" does not exist \(did you mean "Customer"\?\)/,
    );
    assertBadInput(
      await cli([
        'run',
        write(
          'c.yaml',
          spec('  - source: Customer\n    target: c\n    columns: [{ source: CustomerIdd, target: id }]\n'),
        ),
      ]),
      /c\.yaml:\d+ mappings\[0\]\.columns\[0\]\.source: source column "CustomerIdd" does not exist in main\.Customer \(did you mean "CustomerId"\?\)/,
    );
    assertBadInput(await cli(['run', write('m.yaml', 'source: [\n')]), /m\.yaml:\d+ is not valid YAML/);
    assertBadInput(
      await cli([
        'run',
        write(
          'b.yaml',
          spec(
            '  - source: Customer\n    target: c\n    columns: [{ source: CustomerId, target: id }]\n',
          ).replace('createTables: true', 'createTables: true, batchSize: 20000'),
        ),
      ]),
      /b\.yaml:3 pipeline\.batchSize/,
    );
    assertBadInput(await cli(['run', join(dir, 'missing.yaml')]), /Cannot read spec file/);
  });
});

const EVENTS = 300_000;
const sources = {
  postgres: `CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, amount numeric(12,2), at timestamp);
    INSERT INTO events SELECT g, 'kind-' || (g % 7), g / 100.0, timestamp '2024-01-01' + g * interval '1 second' FROM generate_series(1, ${EVENTS}) g;`,
  mysql: `CREATE TABLE events (id bigint PRIMARY KEY, kind varchar(20) NOT NULL, amount decimal(12,2), at datetime);
    INSERT INTO events SELECT seq, CONCAT('kind-', seq % 7), seq / 100, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_${EVENTS};`,
} as const;

// PostgreSQL to PostgreSQL takes the COPY pass-through; MySQL to PostgreSQL the parsed row path.
for (const from of ['postgres', 'mysql'] as const) {
  describe(`resume after kill -9 (${from} -> postgres)`, () => {
    test('a run killed in the middle of a load finishes on --resume with no missing and no duplicated rows', async () => {
      const source = await freshDatabase(from);
      const target = await freshDatabase('postgres');
      databases.push(source, target);
      await rawExec(source, from, sources[from]);
      // No primary key on the target: a duplicated row would be stored, and counted below.
      await rawExec(
        target,
        'postgres',
        'CREATE TABLE events (id bigint, kind text, amount numeric(12,2), at timestamp);',
      );
      const dir = tempDir();
      const specFile = join(dir, 'spec.yaml');
      writeFileSync(
        specFile,
        `name: resume\nsource: { url: "${source.url}" }\ntarget: { url: "${target.url}" }\npipeline: { batchSize: 500, parallelism: 2 }\nmappings:\n  - source: events\n    target: events\n    columns: [{ source: id, target: id }, { source: kind, target: kind }, { source: amount, target: amount }, { source: at, target: at }]\n`,
      );
      const child = startCli(['run', specFile], { DATABRIDGE_DATA_DIR: dir });
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const exited = new Promise((resolve) => child.on('close', resolve));
      // Kill it once some batches have committed, well before the end.
      for (;;) {
        const written = await rawExec(target, 'postgres', 'SELECT count(*)::int AS n FROM events');
        if ((written[0] as { n: number }).n >= 20_000) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGKILL');
      await exited;
      const runId = /run (\S+)/.exec(stderr)?.[1];
      assert.ok(runId, `run id printed: ${stderr}`);
      const partial = (await rawExec(target, 'postgres', 'SELECT count(*)::int AS n FROM events'))[0] as {
        n: number;
      };
      assert.ok(partial.n > 0 && partial.n < EVENTS, `killed part-way (${partial.n} rows)`);

      const resumed = await cli(['run', specFile, '--resume', runId, '--json'], { DATABRIDGE_DATA_DIR: dir });
      assert.equal(resumed.code, 0, resumed.stderr);
      const summary = JSON.parse(resumed.stdout);
      assert.equal(summary.runId, runId);
      assert.equal(summary.status, 'completed');
      const [check] = (await rawExec(
        target,
        'postgres',
        'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, min(id)::int AS lo, max(id)::int AS hi FROM events',
      )) as { n: number; d: number; lo: number; hi: number }[];
      assert.deepEqual(check, { n: EVENTS, d: EVENTS, lo: 1, hi: EVENTS });
      assert.ok(summary.validation[0].checksum.matches, 'checksum equal after resume');
      const again = await cli(['run', specFile, '--resume', runId], { DATABRIDGE_DATA_DIR: dir });
      assertBadInput(again, /already completed/);
    });
  });
}
