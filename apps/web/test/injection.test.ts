import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createExecutor,
  type Executor,
  readServerEnv,
  type ServerEnv,
  saveSqliteUpload,
  setServiceContext,
} from '@databridge/queue';
import {
  createConnection,
  createExecution,
  createUser,
  getExecution,
  getUser,
  openStore,
  type Store,
  saveRejectedRows,
  updateExecution,
} from '@databridge/store';
import Database from 'better-sqlite3';
import { eventually, projectFor } from '../../../packages/queue/test/support/harness.ts';
import { freshStorePlace, type StorePlace } from '../../../packages/store/test/support/stores.ts';
import * as connectionRoute from '../app/api/connections/[id]/route.ts';
import * as schemaRoute from '../app/api/connections/[id]/schema/route.ts';
import * as testRoute from '../app/api/connections/[id]/test/route.ts';
import * as filesRoute from '../app/api/connections/files/route.ts';
import * as connectionsRoute from '../app/api/connections/route.ts';
import * as draftTestRoute from '../app/api/connections/test/route.ts';
import * as reportRoute from '../app/api/executions/[id]/report/route.ts';
import * as startRoute from '../app/api/executions/start/route.ts';
import * as previewRoute from '../app/api/projects/[id]/preview/route.ts';
import * as projectRoute from '../app/api/projects/[id]/route.ts';
import { apiKeyFor, type Handler } from './support.ts';

// A server confines SQLite to DATABRIDGE_SQLITE_DIR (here the default, `<data folder>/files`): the
// store, the data folder, links into it, `..` and anything outside are refused wherever a URL goes in
// or is opened, and statements from users cannot reach another file. Each refusal is one case.

let cases = 0;

describe('injection: SQLite paths, statements and report paths on a server', () => {
  let dataDir: string;
  let files: string;
  let outside: string;
  let env: ServerEnv;
  let store: Store;
  let executor: Executor;
  let keys: Record<'admin' | 'operator' | 'viewer', string>;
  let shopId: string;

  async function call(
    handler: Handler,
    method: string,
    options: { id?: string; body?: unknown; raw?: Uint8Array; key?: string; query?: string } = {},
  ) {
    const headers: Record<string, string> = { authorization: `Bearer ${options.key ?? keys.admin}` };
    const init: RequestInit = { method, headers };
    if (options.body !== undefined) {
      init.body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    if (options.raw !== undefined) init.body = Uint8Array.from(options.raw);
    const response = await handler(new Request(`http://localhost/api/x${options.query ?? ''}`, init), {
      params: Promise.resolve({ id: options.id ?? '' }),
    });
    const text = await response.text();
    let json: { error?: { code: string; message: string }; data?: Record<string, unknown> } = {};
    try {
      json = JSON.parse(text);
    } catch {
      // a report
    }
    return { status: response.status, text, json };
  }

  /** A 400 in the API's shape naming `field`, the allowed folder and how to change it. */
  function assertRefused(reply: Awaited<ReturnType<typeof call>>, field: string, what: string) {
    cases += 1;
    assert.equal(reply.status, 400, `${what}: ${reply.text}`);
    assert.equal(reply.json.error?.code, 'bad_input', what);
    const message = reply.json.error?.message ?? '';
    assert.ok(message.startsWith(`${field}: `), `${what}: names ${field}: ${message}`);
    assert.match(message, /must be inside .*files/, what);
    assert.match(message, /DATABRIDGE_SQLITE_DIR/, what);
  }

  function sqliteFile(path: string, rows: number): void {
    const db = new Database(path);
    db.exec('CREATE TABLE IF NOT EXISTS customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO customers (name) VALUES (?)');
    for (let i = 1; i <= rows; i++) insert.run(`customer ${i}`);
    db.close();
  }

  // Every way a `sqlite:` URL was seen to reach the server's own files or leave the folder.
  let badFiles: Record<string, string>;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'databridge-injection-'));
    // No SESSION_SECRET: the server keeps a generated one in <data folder>/session-secret.
    env = readServerEnv({ DATABRIDGE_DATA_DIR: dataDir });
    store = await openStore({ dataDir, sessionSecret: env.sessionSecret });
    const reportsDir = join(dataDir, 'reports');
    executor = await createExecutor({ env, store, reportsDir, role: 'server' });
    setServiceContext({ env, store, executor, reportsDir, close: async () => {} });
    keys = {
      admin: await apiKeyFor(store, 'admin'),
      operator: await apiKeyFor(store, 'operator'),
      viewer: await apiKeyFor(store, 'viewer'),
    };
    files = env.sqliteDir;
    assert.equal(files, join(dataDir, 'files'));
    mkdirSync(files, { recursive: true });
    mkdirSync(join(dataDir, 'reports'), { recursive: true });
    outside = mkdtempSync(join(tmpdir(), 'databridge-outside-'));
    sqliteFile(join(files, 'shop.sqlite'), 20);
    sqliteFile(join(outside, 'outside.sqlite'), 3);
    symlinkSync(join(dataDir, 'databridge.sqlite'), join(files, 'store-link.sqlite'));
    symlinkSync(dataDir, join(files, 'data-link'));
    symlinkSync(join(outside, 'outside.sqlite'), join(files, 'out-link.sqlite'));
    symlinkSync(join(outside, 'nothing-yet.sqlite'), join(files, 'dangling.sqlite'));
    badFiles = {
      'the store': join(dataDir, 'databridge.sqlite'),
      'the session secret': join(dataDir, 'session-secret'),
      'the data folder': dataDir,
      'a new file in the reports folder': join(dataDir, 'reports', 'new.sqlite'),
      '.. out of the folder': `${files}/../databridge.sqlite`,
      'a link to the store': join(files, 'store-link.sqlite'),
      'a folder link into the data folder': join(files, 'data-link', 'databridge.sqlite'),
      'a link out of the folder': join(files, 'out-link.sqlite'),
      'a dangling link out of the folder': join(files, 'dangling.sqlite'),
      'a file outside': join(outside, 'outside.sqlite'),
      'a relative path outside': '../../../../../../../../etc/passwd',
      memory: ':memory:',
    };
    const shop = await call(connectionsRoute.POST, 'POST', {
      body: { name: 'shop', kind: 'sqlite', file: join(files, 'shop.sqlite') },
    });
    assert.equal(shop.status, 201, shop.text);
    shopId = String(shop.json.data!.id);
  });

  after(async () => {
    setServiceContext(undefined);
    await executor.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
    console.log(`injection cases refused: ${cases}`);
  });

  it('a file in the folder is accepted, and the folder lists it', async () => {
    const reply = await call(testRoute.POST, 'POST', { id: shopId });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json.data!.ok, true, reply.text);
    const schema = await call(schemaRoute.GET, 'GET', { id: shopId });
    assert.deepEqual(
      (schema.json.data!.tables as { name: string }[]).map((t) => t.name),
      ['customers'],
    );
  });

  it('create, update and the unsaved test refuse every file outside the folder with a 400 naming the field', async () => {
    for (const [what, file] of Object.entries(badFiles)) {
      assertRefused(
        await call(connectionsRoute.POST, 'POST', {
          body: { name: `by url: ${what}`, url: `sqlite:${file}` },
        }),
        'url',
        `create by url, ${what}`,
      );
      assertRefused(
        await call(connectionsRoute.POST, 'POST', {
          body: { name: `by file: ${what}`, kind: 'sqlite', file },
        }),
        'file',
        `create by file, ${what}`,
      );
      assertRefused(
        await call(connectionRoute.PATCH, 'PATCH', { id: shopId, body: { url: `sqlite:${file}` } }),
        'url',
        `update by url, ${what}`,
      );
      assertRefused(
        await call(connectionRoute.PATCH, 'PATCH', { id: shopId, body: { kind: 'sqlite', file } }),
        'file',
        `update by file, ${what}`,
      );
      assertRefused(
        await call(draftTestRoute.POST, 'POST', { body: { name: 'draft', url: `sqlite:${file}` } }),
        'url',
        `unsaved test, ${what}`,
      );
    }
    const names = (await call(connectionsRoute.GET, 'GET')).json.data as unknown as { name: string }[];
    assert.deepEqual(
      names.map((c) => c.name),
      ['shop'],
      'nothing was saved',
    );
  });

  it('a connection stored before (or pointing at a file swapped for a link) is refused at test, schema and preview', async () => {
    const target = join(files, 'preview-target.sqlite');
    for (const [what, file] of Object.entries(badFiles)) {
      // As if saved by an older version: the store takes any URL, the services check at every opening.
      const saved = await createConnection(store, { name: `stored: ${what}`, url: `sqlite:${file}` });
      assertRefused(await call(testRoute.POST, 'POST', { id: saved.id }), 'url', `test, ${what}`);
      assertRefused(await call(schemaRoute.GET, 'GET', { id: saved.id }), 'url', `schema, ${what}`);
      const project = await projectFor(store, `sqlite:${file}`, `sqlite:${target}`, {
        mappings: [{ source: 'users', target: 'users', columns: [{ target: 'email', source: 'email' }] }],
      });
      assertRefused(
        await call(previewRoute.GET, 'GET', { id: project.id }),
        'source.url',
        `preview, ${what}`,
      );
    }
  });

  it('a file swapped for a link to the store after saving is refused at every opening; the escalation by hook cannot happen', async () => {
    const swap = join(files, 'swap.sqlite');
    sqliteFile(swap, 1);
    const saved = await call(connectionsRoute.POST, 'POST', {
      body: { name: 'swap', url: `sqlite:${swap}` },
    });
    assert.equal(saved.status, 201, saved.text);
    const id = String(saved.json.data!.id);
    const editor = await createUser(store, {
      email: 'editor@example.com',
      name: 'Editor',
      password: 'a long enough password',
      role: 'editor',
    });
    const project = await projectFor(store, `sqlite:${join(files, 'shop.sqlite')}`, `sqlite:${swap}`, {
      pipeline: {
        hooks: { pre: [{ sql: `UPDATE users SET role = 'admin' WHERE id = '${editor.id}'` }] },
      },
      mappings: [{ source: 'customers', target: 'customers', columns: [{ target: 'name', source: 'name' }] }],
    });
    unlinkSync(swap);
    symlinkSync(join(dataDir, 'databridge.sqlite'), swap);

    assertRefused(await call(testRoute.POST, 'POST', { id }), 'url', 'test of the swapped file');
    assertRefused(await call(schemaRoute.GET, 'GET', { id }), 'url', 'schema of the swapped file');
    assertRefused(await call(previewRoute.GET, 'GET', { id: project.id }), 'target.url', 'preview');
    const started = await call(startRoute.POST, 'POST', {
      key: keys.operator,
      body: { projectId: project.id },
    });
    assert.equal(started.status, 201, started.text);
    const executionId = String(started.json.data!.executionId);
    await executor.settled(executionId);
    cases += 1;
    const run = await store.db
      .selectFrom('executions')
      .select(['status', 'error_message'])
      .where('id', '=', executionId)
      .executeTakeFirstOrThrow();
    assert.equal(run.status, 'failed');
    assert.match(String(run.error_message), /must be inside/);
    assert.equal((await getUser(store, editor.id))?.role, 'editor', 'the editor is still an editor');
  });

  describe('statements from users on a server run', () => {
    const attacks: [string, (file: string) => string][] = [
      ['ATTACH', (file) => `ATTACH DATABASE '${file}' AS stolen`],
      ['VACUUM INTO', (file) => `VACUUM INTO '${file}'`],
      ['load_extension', (file) => `SELECT load_extension('${file}')`],
    ];
    // Where a spec takes SQL, and how an attack is put there.
    const places: Record<string, (sql: string) => { pipeline?: object; mapping?: object }> = {
      'pre hook': (sql) => ({ pipeline: { hooks: { pre: [{ sql }] } } }),
      'post hook': (sql) => ({ pipeline: { hooks: { post: [{ sql }] } } }),
      'custom validation rule': (sql) => ({ pipeline: { rules: [{ name: 'rule', sql }] } }),
      'column expression': (sql) => ({
        mapping: {
          columns: [
            { target: 'name', expression: sql.startsWith('SELECT ') ? sql.slice(7) : `1); ${sql}; --` },
          ],
        },
      }),
      'table filter': (sql) => ({
        mapping: { where: sql.startsWith('SELECT ') ? `${sql.slice(7)} IS NULL` : `1; ${sql}; --` },
      }),
    };

    for (const [place, put] of Object.entries(places)) {
      for (const [attack, statement] of attacks) {
        it(`${attack} in a ${place} is refused and writes no file`, async () => {
          const written = join(outside, `${attack.replace(' ', '-')}-${place.replace(/ /g, '-')}.sqlite`);
          const target = join(files, `target-${Date.now()}-${Math.random().toString(36).slice(2)}.sqlite`);
          const { pipeline = {}, mapping = {} } = put(statement(written));
          const project = await projectFor(
            store,
            `sqlite:${join(files, 'shop.sqlite')}`,
            `sqlite:${target}`,
            {
              pipeline: { createTables: true, ...pipeline },
              mappings: [
                {
                  source: 'customers',
                  target: 'customers',
                  columns: [
                    { target: 'id', source: 'id' },
                    { target: 'name', source: 'name' },
                  ],
                  ...mapping,
                },
              ],
            },
          );
          const started = await call(startRoute.POST, 'POST', {
            key: keys.operator,
            body: { projectId: project.id },
          });
          assert.equal(started.status, 201, started.text);
          const executionId = String(started.json.data!.executionId);
          await executor.settled(executionId);
          cases += 1;
          const run = await store.db
            .selectFrom('executions')
            .select(['status', 'error_message'])
            .where('id', '=', executionId)
            .executeTakeFirstOrThrow();
          assert.equal(run.status, 'failed', `${attack} in a ${place}: ${run.error_message}`);
          assert.equal(existsSync(written), false, `${written} was not written`);
          if (place.endsWith('hook') || place.endsWith('rule') || attack === 'load_extension') {
            const log = await store.db
              .selectFrom('log_entries')
              .select('message')
              .where('execution_id', '=', executionId)
              .execute();
            const said = [run.error_message, ...log.map((l) => l.message)].join('\n');
            assert.match(said, /(not allowed on a server connection|not authorized)/, said);
          }
        });
      }
    }
  });

  describe('the SQLite folder: list and upload', () => {
    it('lists the databases in the folder, not links, not other files', async () => {
      const reply = await call(filesRoute.GET, 'GET', { key: keys.viewer });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.json.data!.folder, files);
      const names = (reply.json.data!.files as { name: string; path: string }[]).map((f) => f.name);
      assert.ok(names.includes('shop.sqlite'));
      for (const link of ['store-link.sqlite', 'out-link.sqlite', 'dangling.sqlite']) {
        assert.ok(!names.includes(link), `${link} is not listed`);
      }
    });

    it('an uploaded database lands in the folder, 0600, and works as a connection', async () => {
      const bytes = readFileSync(join(files, 'shop.sqlite'));
      const reply = await call(filesRoute.POST, 'POST', { query: '?name=uploaded.sqlite', raw: bytes });
      assert.equal(reply.status, 201, reply.text);
      const path = join(files, 'uploaded.sqlite');
      assert.equal(reply.json.data!.path, path);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      const saved = await call(connectionsRoute.POST, 'POST', {
        body: { name: 'uploaded', kind: 'sqlite', file: path },
      });
      assert.equal(saved.status, 201, saved.text);
      const test = await call(testRoute.POST, 'POST', { id: String(saved.json.data!.id) });
      assert.equal(test.json.data!.ok, true, test.text);
    });

    it('refuses names with a folder, a file that exists, a body that is no database, and a viewer', async () => {
      const bytes = readFileSync(join(files, 'shop.sqlite'));
      const refusals: [string, Uint8Array, number, RegExp][] = [
        ['../escape.sqlite', bytes, 400, /^name: use a plain file name/],
        ['sub%2Fdir.sqlite', bytes, 400, /^name: use a plain file name/],
        ['%2Ftmp%2Fabsolute.sqlite', bytes, 400, /^name: use a plain file name/],
        ['notes.txt', bytes, 400, /^name: must end with \.sqlite, \.sqlite3 or \.db/],
        ['shop.sqlite', bytes, 409, /already exists/],
        ['store-link.sqlite', bytes, 409, /already exists/],
        ['text.sqlite', new TextEncoder().encode('not a database at all'), 400, /not an SQLite database/],
      ];
      for (const [name, raw, status, message] of refusals) {
        const reply = await call(filesRoute.POST, 'POST', { query: `?name=${name}`, raw });
        cases += 1;
        assert.equal(reply.status, status, `${name}: ${reply.text}`);
        assert.match(reply.json.error?.message ?? '', message, name);
      }
      assert.equal(existsSync(join(dataDir, 'escape.sqlite')), false);
      assert.equal(existsSync(join(files, 'text.sqlite')), false, 'a refused upload leaves nothing');
      assert.equal(
        readFileSync(join(dataDir, 'databridge.sqlite')).subarray(0, 15).toString(),
        'SQLite format 3',
      );
      const viewer = await call(filesRoute.POST, 'POST', {
        key: keys.viewer,
        query: '?name=v.sqlite',
        raw: bytes,
      });
      cases += 1;
      assert.equal(viewer.status, 403, viewer.text);
    });

    it('an upload over the limit is refused and removed', async () => {
      const chunks = (async function* () {
        yield new TextEncoder().encode('SQLite format 3\0');
        yield new Uint8Array(4096);
      })();
      await assert.rejects(saveSqliteUpload(env, 'big.sqlite', chunks, 1024), /larger than/);
      cases += 1;
      assert.equal(existsSync(join(files, 'big.sqlite')), false);
    });
  });

  describe('report downloads', () => {
    let executionId: string;

    before(async () => {
      const target = join(files, 'report-target.sqlite');
      const project = await projectFor(store, `sqlite:${join(files, 'shop.sqlite')}`, `sqlite:${target}`, {
        pipeline: { createTables: true },
        mappings: [
          {
            source: 'customers',
            target: 'customers',
            columns: [
              { target: 'id', source: 'id' },
              { target: 'name', source: 'name' },
            ],
          },
        ],
      });
      const started = await call(startRoute.POST, 'POST', {
        key: keys.operator,
        body: { projectId: project.id },
      });
      executionId = String(started.json.data!.executionId);
      await executor.settled(executionId);
      assert.ok(existsSync(join(dataDir, 'reports', executionId, 'report.json')), 'the run wrote its report');
    });

    async function tamper(path: string) {
      const db = new Database(join(dataDir, 'databridge.sqlite'));
      db.prepare(
        `UPDATE executions SET summary = json_set(summary, '$.report.html', ?, '$.report.json', ?) WHERE id = ?`,
      ).run(path, path, executionId);
      db.close();
    }

    it('a report path rewritten in the store is never read: the viewer gets the run’s own report', async () => {
      await tamper('/etc/passwd');
      const json = await call(reportRoute.GET, 'GET', {
        id: executionId,
        key: keys.viewer,
        query: '?format=json',
      });
      cases += 1;
      assert.equal(json.status, 200, json.text);
      assert.equal(json.text, readFileSync(join(dataDir, 'reports', executionId, 'report.json'), 'utf8'));
      const html = await call(reportRoute.GET, 'GET', { id: executionId, key: keys.viewer });
      cases += 1;
      assert.equal(html.status, 200, html.text);
      assert.doesNotMatch(html.text, /root:/);
      assert.match(html.text, /main\.customers/);
    });

    it('a report file replaced by a link out of the reports folder is not served', async () => {
      await tamper('/etc/passwd');
      for (const name of ['report.json', 'report.html']) {
        const file = join(dataDir, 'reports', executionId, name);
        unlinkSync(file);
        symlinkSync('/etc/passwd', file);
      }
      for (const query of ['', '?format=json']) {
        const reply = await call(reportRoute.GET, 'GET', { id: executionId, key: keys.viewer, query });
        cases += 1;
        assert.equal(reply.status, 404, reply.text);
        assert.doesNotMatch(reply.text, /root:/);
      }
    });
  });

  it('deleting a project removes its runs’ rejects by execution id; a rejects path rewritten in the store is never touched', async () => {
    const project = await projectFor(
      store,
      `sqlite:${join(files, 'shop.sqlite')}`,
      `sqlite:${join(files, 'x.sqlite')}`,
      {
        mappings: [
          { source: 'customers', target: 'customers', columns: [{ target: 'name', source: 'name' }] },
        ],
      },
    );
    const run = await createExecution(store, { projectId: project.id });
    await updateExecution(store, run.id, { status: 'running' });
    await updateExecution(store, run.id, { status: 'failed' });
    const rejects = join(dataDir, 'reports', run.id, 'rejects');
    mkdirSync(rejects, { recursive: true });
    writeFileSync(join(rejects, 'm1.jsonl'), '{}\n');
    const victim = join(outside, 'victim.txt');
    writeFileSync(victim, 'keep me');
    await saveRejectedRows(store, {
      executionId: run.id,
      mappingId: 'm1',
      table: 'main.customers',
      count: 1,
      sample: [],
      filePath: victim,
    });
    const deleted = await call(projectRoute.DELETE, 'DELETE', { id: project.id });
    cases += 1;
    assert.equal(deleted.status, 200, deleted.text);
    assert.equal(existsSync(rejects), false, 'the run’s rejects are gone');
    assert.equal(readFileSync(victim, 'utf8'), 'keep me', 'the path from the store was not used');
  });
});

// With DATABASE_URL the metadata store is a PostgreSQL database: the same escalation as with the
// SQLite store (a hook on the store as a target makes an editor admin; its tables read as a source)
// must be refused however the URL names the server.
describe('injection: a PostgreSQL metadata store as a connection', () => {
  let place: StorePlace;
  let store: Store;
  let executor: Executor;
  let admin: string;
  let storeUrl: string;

  async function call(handler: Handler, method: string, options: { id?: string; body?: unknown } = {}) {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${admin}` } };
    if (options.body !== undefined) {
      init.body = JSON.stringify(options.body);
      init.headers = { ...init.headers, 'content-type': 'application/json' };
    }
    const response = await handler(new Request('http://localhost/api/x', init), {
      params: Promise.resolve({ id: options.id ?? '' }),
    });
    const text = await response.text();
    return { status: response.status, text };
  }

  before(async () => {
    place = await freshStorePlace('postgres');
    storeUrl = place.options.databaseUrl!;
    const env = readServerEnv({ DATABRIDGE_DATA_DIR: place.options.dataDir, DATABASE_URL: storeUrl });
    store = await openStore({ ...place.options, sessionSecret: env.sessionSecret });
    const reportsDir = join(place.options.dataDir, 'reports');
    executor = await createExecutor({ env, store, reportsDir, role: 'server' });
    setServiceContext({ env, store, executor, reportsDir, close: async () => {} });
    admin = await apiKeyFor(store, 'admin');
  });

  after(async () => {
    setServiceContext(undefined);
    await executor.close();
    await store.close();
    await place.drop();
  });

  it('saving the store, under its own name or another for the same server, is refused with a 400', async () => {
    const aliases = [storeUrl, storeUrl.replace('127.0.0.1', 'localhost')];
    for (const url of aliases) {
      const reply = await call(connectionsRoute.POST, 'POST', { body: { name: `store ${cases}`, url } });
      cases += 1;
      assert.equal(reply.status, 400, `${url}: ${reply.text}`);
      assert.match(reply.text, /metadata store/);
    }
  });

  it('a store connection saved before this check is refused at schema, and a hook through it makes no one admin', async () => {
    const editor = await createUser(store, {
      email: 'editor-pg@example.com',
      name: 'editor',
      password: 'a long enough password',
      role: 'editor',
    });
    const files = join(place.options.dataDir, 'files');
    mkdirSync(files, { recursive: true });
    const source = new Database(join(files, 'source.sqlite'));
    source.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    source.close();
    const project = await projectFor(store, `sqlite:${join(files, 'source.sqlite')}`, storeUrl, {
      mappings: [{ source: 'notes', target: 'notes_copy', columns: [{ source: 'body', target: 'body' }] }],
      pipeline: {
        createTables: true,
        hooks: { pre: [{ sql: `UPDATE users SET role = 'admin' WHERE id = '${editor.id}'` }] },
      },
    });
    const schema = await call(schemaRoute.GET, 'GET', { id: project.targetConnectionId });
    cases += 1;
    assert.equal(schema.status, 400, schema.text);
    assert.doesNotMatch(schema.text, /password_hash|"users"/);
    const started = await call(startRoute.POST, 'POST', { body: { projectId: project.id } });
    assert.equal(started.status, 201, started.text);
    const executionId = JSON.parse(started.text).data.executionId as string;
    await eventually(
      async () => ['failed', 'completed'].includes((await getExecution(store, executionId))?.status ?? ''),
      'the run to end',
    );
    cases += 1;
    const ended = await getExecution(store, executionId);
    assert.equal(ended?.status, 'failed');
    assert.match(ended?.errorMessage ?? '', /metadata store/);
    assert.equal((await getUser(store, editor.id))?.role, 'editor', 'the hook did not run on the store');
  });
});
