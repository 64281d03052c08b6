import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BullmqExecutor, type ServiceContext, setServiceContext } from '@databridge/queue';
import { openStore, type Store } from '@databridge/store';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freshPostgres, type TestDatabase } from '../../../packages/engine/test/support/databases.ts';
import { freshStorePlace, type StorePlace } from '../../../packages/store/test/support/stores.ts';
import * as auditRoute from '../app/api/audit/route.ts';
import * as loginRoute from '../app/api/auth/login/route.ts';
import * as connectionRoute from '../app/api/connections/[id]/route.ts';
import * as connectionTestRoute from '../app/api/connections/[id]/test/route.ts';
import * as connectionsRoute from '../app/api/connections/route.ts';
import * as eventsRoute from '../app/api/executions/[id]/events/route.ts';
import * as logsRoute from '../app/api/executions/[id]/logs/route.ts';
import * as reportRoute from '../app/api/executions/[id]/report/route.ts';
import * as stagesRoute from '../app/api/executions/[id]/stages/route.ts';
import * as statusRoute from '../app/api/executions/[id]/status/route.ts';
import * as startRoute from '../app/api/executions/start/route.ts';
import * as exportRoute from '../app/api/projects/[id]/export/route.ts';
import * as projectRoute from '../app/api/projects/[id]/route.ts';
import * as projectsRoute from '../app/api/projects/route.ts';
import * as usersRoute from '../app/api/users/route.ts';
import { apiKeyFor } from './support.ts';

const REDIS_URL = process.env.DATABRIDGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** The password no byte of output may ever contain (PostgreSQL's trust auth ignores it). */
const PASSWORD = `Zq9-${randomBytes(6).toString('hex')}-pw`;

type Handler = (request: Request, segment: { params: Promise<{ id: string }> }) => Promise<Response>;

describe('security', () => {
  let place: StorePlace;
  let store: Store;
  let executor: BullmqExecutor;
  let adminKey = '';
  const prefix = `dbsec-${randomBytes(4).toString('hex')}`;
  const dbs: TestDatabase[] = [];
  const seen: string[] = [];

  async function call(
    handler: Handler,
    method: string,
    path: string,
    options: { id?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { authorization: `Bearer ${adminKey}`, ...options.headers };
    const init: RequestInit = { method, headers };
    if (options.body !== undefined) {
      init.body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const response = await handler(new Request(`http://localhost${path}`, init), {
      params: Promise.resolve({ id: options.id ?? '' }),
    });
    const text = await response.text();
    seen.push(text, JSON.stringify([...response.headers]));
    // biome-ignore lint/suspicious/noExplicitAny: a JSON reply is checked field by field
    let json: { success: boolean; data: any; error?: { code: string; message: string } } | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  }

  before(async () => {
    place = await freshStorePlace('sqlite');
    store = await openStore(place.options);
    const reportsDir = join(place.options.dataDir, 'reports');
    executor = new BullmqExecutor({ store, reportsDir }, { redisUrl: REDIS_URL, prefix });
    executor.startWorker();
    const env = { sessionSecret: place.options.sessionSecret } as ServiceContext['env'];
    setServiceContext({ store, executor, reportsDir, env, close: async () => {} });
    adminKey = await apiKeyFor(store, 'admin');
  });

  after(async () => {
    setServiceContext(undefined);
    await executor.close();
    await store.close();
    for (const db of dbs) await db.drop();
    await place.drop();
  });

  it('a full migration through the API leaves the password in no response, log, job payload, report or store row', async () => {
    const [source, target] = [await freshPostgres(), await freshPostgres()];
    dbs.push(source, target);
    const client = new pg.Client({ connectionString: source.url });
    await client.connect();
    await client.query(`CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric(10,2));
      INSERT INTO accounts SELECT g, 'owner ' || g, g * 1.5 FROM generate_series(1, 5000) g;`);
    await client.end();
    const withPassword = (url: string) =>
      url.replace('postgres://postgres@', `postgres://postgres:${PASSWORD}@`);
    const src = await call(connectionsRoute.POST, 'POST', '/api/connections', {
      body: { name: 'source', url: withPassword(source.url) },
    });
    assert.equal(src.status, 201, src.text);
    const dst = await call(connectionsRoute.POST, 'POST', '/api/connections', {
      body: { name: 'target', url: withPassword(target.url) },
    });
    const refused = await call(connectionsRoute.POST, 'POST', '/api/connections', {
      body: { name: 'refused', url: `postgres://postgres:${PASSWORD}@127.0.0.1:1/nowhere` },
    });
    await call(connectionTestRoute.POST, 'POST', '/x', { id: refused.json!.data.id });
    await call(connectionRoute.GET, 'GET', '/x', { id: src.json!.data.id });
    const project = await call(projectsRoute.POST, 'POST', '/api/projects', {
      body: {
        name: 'accounts',
        sourceConnectionId: src.json!.data.id,
        targetConnectionId: dst.json!.data.id,
      },
    });
    assert.equal(project.status, 201, project.text);
    await call(projectRoute.GET, 'GET', '/x', { id: project.json!.data.id });
    await call(exportRoute.GET, 'GET', '/x?format=yaml', { id: project.json!.data.id });
    const started = await call(startRoute.POST, 'POST', '/api/executions/start', {
      body: { projectId: project.json!.data.id },
    });
    const id = started.json!.data.executionId as string;
    const events = await call(eventsRoute.GET, 'GET', '/x', { id });
    assert.match(events.text, /"status":"completed"/);
    await call(statusRoute.GET, 'GET', '/x', { id });
    await call(stagesRoute.GET, 'GET', '/x', { id });
    await call(logsRoute.GET, 'GET', '/x?level=debug', { id });
    await call(reportRoute.GET, 'GET', '/x', { id });
    await call(reportRoute.GET, 'GET', '/x?format=json', { id });
    await call(auditRoute.GET, 'GET', '/api/audit?limit=500');

    const leaks: string[] = [];
    const check = (where: string, text: string) => {
      if (text.includes(PASSWORD)) leaks.push(where);
    };
    for (const [i, text] of seen.entries()) check(`API response ${i}`, text);

    // Every row of every table of the store, but the sealed URLs (which must not hold it in clear either).
    const db = new Database(join(place.options.dataDir, 'databridge.sqlite'), { readonly: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    for (const { name } of tables) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
        check(`store ${name}`, JSON.stringify(row));
      }
    }
    db.close();

    // Every job and key BullMQ keeps in Redis for this deployment.
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}:*`);
      assert.ok(keys.length > 0, 'the run went through Redis');
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'hash'
            ? await redis.hgetall(key)
            : type === 'list'
              ? await redis.lrange(key, 0, -1)
              : type === 'zset'
                ? await redis.zrange(key, '0', '-1')
                : type === 'set'
                  ? await redis.smembers(key)
                  : type === 'string'
                    ? await redis.get(key)
                    : type === 'stream'
                      ? await redis.xrange(key, '-', '+')
                      : null;
        check(`redis ${key}`, JSON.stringify(value));
      }
    } finally {
      redis.disconnect();
    }

    // Reports, run logs and rejects files.
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((entry) => {
        const path = join(dir, entry);
        return statSync(path).isDirectory() ? walk(path) : [path];
      });
    const files = walk(join(place.options.dataDir, 'reports'));
    assert.ok(files.some((f) => f.endsWith('report.html')));
    for (const file of files) check(file, readFileSync(file, 'utf8'));

    assert.deepEqual(leaks, []);
  });

  it('sign-in is rate limited per account: the sixth wrong password within the window is refused with 429', async () => {
    await call(usersRoute.POST, 'POST', '/api/users', {
      body: { email: 'ops@example.com', name: 'Ops', password: 'the right password!', role: 'operator' },
    });
    const attempt = (password: string) =>
      call(loginRoute.POST, 'POST', '/api/auth/login', {
        body: { email: 'OPS@example.com', password },
        headers: { authorization: '', 'x-forwarded-for': `10.0.0.${Math.floor(Math.random() * 200)}` },
      });
    for (let i = 0; i < 5; i++) {
      const wrong = await attempt('wrong password');
      assert.equal(wrong.status, 401);
      assert.equal(wrong.json!.error!.message, 'the email or the password is wrong');
    }
    const limited = await attempt('the right password!');
    assert.equal(limited.status, 429, 'even the right password waits out the window');
    const unknown = await call(loginRoute.POST, 'POST', '/api/auth/login', {
      body: { email: 'nobody@example.com', password: 'x' },
      headers: { authorization: '' },
    });
    assert.equal(
      unknown.json!.error!.message,
      'the email or the password is wrong',
      'no hint which emails exist',
    );
  });

  it('SQL smuggled through identifiers, expressions, filters and table names is refused or quoted, never run', async () => {
    const [source, target] = [await freshPostgres(), await freshPostgres()];
    dbs.push(source, target);
    const client = new pg.Client({ connectionString: source.url });
    await client.connect();
    await client.query('CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, $$a$$);');
    await client.end();
    const src = await call(connectionsRoute.POST, 'POST', '/api/connections', {
      body: { name: 's2', url: source.url },
    });
    const dst = await call(connectionsRoute.POST, 'POST', '/api/connections', {
      body: { name: 't2', url: target.url },
    });
    const base = {
      version: 1,
      name: 'injection',
      source: { url: source.url },
      target: { url: target.url },
      pipeline: { createTables: true },
    };
    const attempts: [string, unknown][] = [
      [
        'expression',
        [{ source: 't', target: 't', columns: [{ target: 'v', expression: 'v; DROP TABLE t; --' }] }],
      ],
      [
        'filter',
        [{ source: 't', target: 't', where: '1=1; DROP TABLE t', columns: [{ source: 'id', target: 'id' }] }],
      ],
      [
        'table name',
        [{ source: 't"; DROP TABLE t; --', target: 't', columns: [{ source: 'id', target: 'id' }] }],
      ],
    ];
    for (const [what, mappings] of attempts) {
      const project = await call(projectsRoute.POST, 'POST', '/api/projects', {
        body: {
          name: `injection ${what}`,
          sourceConnectionId: src.json!.data.id,
          targetConnectionId: dst.json!.data.id,
          spec: { ...base, mappings },
        },
      });
      if (project.status === 201) {
        const started = await call(startRoute.POST, 'POST', '/api/executions/start', {
          body: { projectId: project.json!.data.id },
        });
        await executor.settled(started.json!.data.executionId);
        const status = await call(statusRoute.GET, 'GET', '/x', { id: started.json!.data.executionId });
        assert.equal(status.json!.data.status, 'failed', `${what}: refused at plan time`);
        assert.equal(
          status.json!.data.error.code,
          what === 'table name' ? 'unknown_table' : 'bad_spec',
          `${what}: ${status.text}`,
        );
      } else {
        assert.equal(project.status, 400, `${what}: ${project.text}`);
      }
      const check = new pg.Client({ connectionString: source.url });
      await check.connect();
      const rows = (await check.query('SELECT count(*)::int AS n FROM t')).rows;
      await check.end();
      assert.deepEqual(rows, [{ n: 1 }], `${what}: the source table is still there`);
    }
  });
});
