import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InProcessExecutor, readServerEnv, type ServiceContext, setServiceContext } from '@databridge/queue';
import { openStore, type Project, type Store } from '@databridge/store';
import Database from 'better-sqlite3';
import { projectFor } from '../../../packages/queue/test/support/harness.ts';
import { freshStorePlace, type StorePlace } from '../../../packages/store/test/support/stores.ts';
import * as tickRoute from '../app/api/cron/tick/route.ts';
import * as dependencies from '../app/api/dependencies/route.ts';
import * as backfill from '../app/api/projects/[id]/backfill/route.ts';
import { apiKeyFor, STORE_KINDS } from './support.ts';

const CRON_SECRET = 'cron-secret-for-the-tests-0123456789';

interface Reply {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON reply is checked field by field
  readonly json: any;
}

async function read(response: Response): Promise<Reply> {
  return { status: response.status, headers: response.headers, json: await response.json() };
}

function cronTick(authorization?: string): Promise<Reply> {
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
  return tickRoute.GET(new Request('http://localhost/api/cron/tick', { headers })).then(read);
}

/** An editor's API key: backfill and the dependency graph need a signed-in caller. */
let editorKey = '';

function postBackfill(id: string, body: unknown): Promise<Reply> {
  const request = new Request(`http://localhost/api/projects/${id}/backfill`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${editorKey}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return backfill.POST(request, { params: Promise.resolve({ id }) }).then(read);
}

async function dailyProject(store: Store, dir: string, dependsOn: string[] = []): Promise<Project> {
  const file = join(dir, `events-${randomBytes(3).toString('hex')}.sqlite`);
  const db = new Database(file);
  db.exec(
    "CREATE TABLE events (id INTEGER PRIMARY KEY, day TEXT); INSERT INTO events (day) VALUES ('2024-05-01');",
  );
  db.close();
  return projectFor(
    store,
    `sqlite:${file}`,
    `sqlite:${join(dir, `target-${randomBytes(3).toString('hex')}.sqlite`)}`,
    {
      pipeline: { createTables: true },
      schedule: { cron: 'daily', dependsOn },
      mappings: [
        {
          source: 'events',
          target: 'events',
          mode: 'replace',
          columns: [
            { source: 'id', target: 'id' },
            { source: 'day', target: 'day' },
          ],
        },
      ],
    },
  );
}

for (const kind of STORE_KINDS) {
  describe(`scheduling API routes (${kind} store, in-process executor)`, () => {
    let place: StorePlace;
    let store: Store;
    let executor: InProcessExecutor;
    let dir: string;
    let context: ServiceContext;
    const withSecret = (cronSecret: string | undefined) =>
      setServiceContext({ ...context, env: { ...context.env, cronSecret } });

    before(async () => {
      place = await freshStorePlace(kind);
      store = await openStore(place.options);
      dir = mkdtempSync(join(tmpdir(), 'databridge-web-cron-'));
      const reportsDir = join(dir, 'reports');
      executor = new InProcessExecutor({ store, reportsDir });
      const env = readServerEnv({
        DATABRIDGE_DATA_DIR: place.options.dataDir,
        SESSION_SECRET: place.options.sessionSecret,
        CRON_SECRET,
        DATABRIDGE_BASE_URL: 'http://localhost:3000',
      });
      context = { env, store, executor, reportsDir, close: async () => {} };
      setServiceContext(context);
      editorKey = await apiKeyFor(store, 'editor');
    });
    after(async () => {
      setServiceContext(undefined);
      await executor.close();
      await store.close();
      await place.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('GET /api/cron/tick: 503 while CRON_SECRET is unset, whatever is sent', async () => {
      withSecret(undefined);
      try {
        for (const header of [undefined, `Bearer ${CRON_SECRET}`]) {
          const reply = await cronTick(header);
          assert.equal(reply.status, 503);
          assert.equal(reply.json.error.code, 'unavailable');
          assert.match(reply.json.error.message, /CRON_SECRET/);
        }
      } finally {
        withSecret(CRON_SECRET);
      }
    });

    it('GET /api/cron/tick: 401 without the secret or with a wrong one', async () => {
      for (const header of [
        undefined,
        '',
        CRON_SECRET,
        `Basic ${CRON_SECRET}`,
        'Bearer ',
        'Bearer wrong',
        `Bearer ${CRON_SECRET.slice(0, -1)}`,
        `Bearer ${CRON_SECRET}x`,
        `Bearer ${CRON_SECRET} extra`,
      ]) {
        const reply = await cronTick(header);
        assert.equal(reply.status, 401, `for ${JSON.stringify(header)}`);
        assert.deepEqual(reply.json, {
          success: false,
          error: { code: 'unauthorized', message: 'send the header Authorization: Bearer <CRON_SECRET>' },
        });
        assert.match(reply.headers.get('www-authenticate') ?? '', /^Bearer/);
      }
    });

    it('POST /api/projects/[id]/backfill, then GET /api/cron/tick with the secret starts the runs', async () => {
      const project = await dailyProject(store, dir);
      const created = await postBackfill(project.id, { from: '2024-05-01', to: '2024-05-02T00:00:00Z' });
      assert.equal(created.status, 201);
      assert.deepEqual(created.json.data, {
        projectId: project.id,
        runs: [
          { logicalDate: '2024-05-01T00:00:00.000Z', outcome: 'created' },
          { logicalDate: '2024-05-02T00:00:00.000Z', outcome: 'created' },
        ],
        queued: 2,
      });

      const first = await cronTick(`Bearer ${CRON_SECRET}`);
      assert.equal(first.status, 200);
      assert.deepEqual(
        first.json.data.started.map((r: { projectId: string; logicalDate: string; kind: string }) => [
          r.projectId,
          r.logicalDate,
          r.kind,
        ]),
        [[project.id, '2024-05-01T00:00:00.000Z', 'backfill']],
      );
      assert.match(first.json.data.waiting[0].reason, /at most 1 at once/);
      await executor.settled(first.json.data.started[0].executionId);

      const second = await cronTick(`bearer ${CRON_SECRET}`);
      assert.equal(second.status, 200);
      assert.deepEqual(
        second.json.data.started.map((r: { logicalDate: string }) => r.logicalDate),
        ['2024-05-02T00:00:00.000Z'],
      );
      await executor.settled(second.json.data.started[0].executionId);
    });

    it('POST /api/projects/[id]/backfill: 400 names the field, 404 for an unknown project', async () => {
      const project = await dailyProject(store, dir);
      // [the body, the field programs get, the sentence a person reads]
      const cases: [unknown, string | undefined, RegExp][] = [
        [{ from: 'yesterday', to: '2024-05-02' }, 'from', /^From must be an ISO-8601 time/],
        [{ from: '2024-05-01' }, 'to', /^To must be an ISO-8601 time/],
        [
          { from: '2024-05-01', to: '2024-05-02', extra: 1 },
          'extra',
          /^Unknown field “extra”: check the spelling/,
        ],
        [{ from: '2024-05-03', to: '2024-05-02' }, 'from', /^From \(.*\) is after to \(.*\): swap them\./],
        [
          { from: '2024-05-01', to: '2999-01-01' },
          'to',
          /^To \(.*\) is in the future: .* end it before now\./,
        ],
        ['{not json', undefined, /^body: is not valid JSON/],
      ];
      for (const [body, field, message] of cases) {
        const reply = await postBackfill(project.id, body);
        assert.equal(reply.status, 400, JSON.stringify(body));
        assert.equal(reply.json.error.code, 'bad_input');
        assert.equal(reply.json.error.field, field, JSON.stringify(reply.json.error));
        assert.match(reply.json.error.message, message);
      }
      const unknown = await postBackfill('no-such-project', { from: '2024-05-01', to: '2024-05-02' });
      assert.equal(unknown.status, 404);
    });

    it('GET /api/dependencies: nodes with their schedule, edges from upstream to downstream', async () => {
      const upstream = await dailyProject(store, dir);
      const downstream = await dailyProject(store, dir, [upstream.name]);
      const reply = read(
        await dependencies.GET(
          new Request('http://localhost/api/dependencies', {
            headers: { authorization: `Bearer ${editorKey}` },
          }),
        ),
      );
      const { status, json } = await reply;
      assert.equal(status, 200);
      const node = json.data.nodes.find((n: { id: string }) => n.id === downstream.id);
      assert.deepEqual(node, {
        id: downstream.id,
        name: downstream.name,
        schedule: 'At 00:00 (UTC time)',
        enabled: true,
        unresolved: [],
      });
      assert.deepEqual(
        json.data.edges.filter((e: { to: string }) => e.to === downstream.id),
        [{ from: upstream.id, to: downstream.id }],
      );
      assert.equal(json.data.cycle, null);
    });
  });
}
