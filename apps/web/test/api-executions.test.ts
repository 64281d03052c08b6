import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InProcessExecutor, type ServiceContext, setServiceContext } from '@databridge/queue';
import { openStore } from '@databridge/store';
import { freshPostgres, type TestDatabase } from '../../../packages/engine/test/support/databases.ts';
import { chinookProject } from '../../../packages/queue/test/support/harness.ts';
import { freshStorePlace, type StorePlace } from '../../../packages/store/test/support/stores.ts';
import * as cancel from '../app/api/executions/[id]/cancel/route.ts';
import * as events from '../app/api/executions/[id]/events/route.ts';
import * as logs from '../app/api/executions/[id]/logs/route.ts';
import * as metrics from '../app/api/executions/[id]/metrics/route.ts';
import * as pause from '../app/api/executions/[id]/pause/route.ts';
import * as report from '../app/api/executions/[id]/report/route.ts';
import * as resume from '../app/api/executions/[id]/resume/route.ts';
import * as retry from '../app/api/executions/[id]/retry/route.ts';
import * as stages from '../app/api/executions/[id]/stages/route.ts';
import * as status from '../app/api/executions/[id]/status/route.ts';
import * as history from '../app/api/executions/route.ts';
import * as start from '../app/api/executions/start/route.ts';
import { apiKeyFor, STORE_KINDS } from './support.ts';

type Route = (request: Request, route: { params: Promise<{ id: string }> }) => Promise<Response>;

let adminKey = '';

async function call(handler: Route, method: string, path: string, id = '', body?: unknown) {
  const init: RequestInit = { method, headers: { authorization: `Bearer ${adminKey}` } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { ...init.headers, 'content-type': 'application/json' };
  }
  const response = await handler(new Request(`http://localhost${path}`, init), {
    params: Promise.resolve({ id }),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: a JSON reply is checked field by field by the tests
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, type: response.headers.get('content-type') ?? '' };
}

/** Reads an SSE body into its events. */
function parseEvents(text: string) {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('id:'))
    .map((block) => {
      const fields = Object.fromEntries(
        block
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      return { id: Number(fields.id), event: fields.event!, data: JSON.parse(fields.data!) };
    });
}

for (const kind of STORE_KINDS) {
  describe(`execution API routes (${kind} store, in-process executor)`, () => {
    let place: StorePlace;
    let context: ServiceContext;
    let target: TestDatabase;
    let projectId: string;
    let executionId: string;

    before(async () => {
      place = await freshStorePlace(kind);
      const store = await openStore(place.options);
      const reportsDir = `${place.options.dataDir}/reports`;
      const executor = new InProcessExecutor({ store, reportsDir });
      const env = { sessionSecret: place.options.sessionSecret } as ServiceContext['env'];
      context = { store, executor, reportsDir, env, close: async () => {} };
      adminKey = await apiKeyFor(store, 'admin');
      setServiceContext(context);
      target = await freshPostgres();
      projectId = (await chinookProject(store, place.options.dataDir, target.url)).id;
    });

    after(async () => {
      setServiceContext(undefined);
      await context.executor.close();
      await context.store.close();
      await place.drop();
      await target.drop();
    });

    it('POST /api/executions/start: 201 with the execution id; the SSE stream delivers progress in order to completion', async () => {
      const started = await call(start.POST, 'POST', '/api/executions/start', '', { projectId });
      assert.equal(started.status, 201);
      assert.deepEqual(Object.keys(started.json.data).sort(), ['executionId', 'status']);
      assert.equal(started.json.success, true);
      executionId = started.json.data.executionId;

      const stream = await call(events.GET, 'GET', `/api/executions/${executionId}/events`, executionId);
      assert.equal(stream.status, 200);
      assert.match(stream.type, /text\/event-stream/);
      const received = parseEvents(stream.text);
      assert.ok(received.length >= 2);
      assert.deepEqual(
        received.map((e) => e.id),
        received.map((_, i) => i + 1),
        'numbered in order',
      );
      const statuses = received.filter((e) => e.event === 'status').map((e) => e.data);
      for (let i = 1; i < statuses.length; i++) {
        assert.ok(statuses[i].recordsProcessed >= statuses[i - 1].recordsProcessed);
      }
      assert.equal(statuses.at(-1).status, 'completed');
      assert.deepEqual(received.at(-1), {
        id: received.length,
        event: 'end',
        data: { executionId, status: 'completed' },
      });
    });

    it('GET status and stages answer the documented shapes', async () => {
      const s = await call(status.GET, 'GET', `/api/executions/${executionId}/status`, executionId);
      assert.equal(s.status, 200);
      for (const key of [
        'executionId',
        'status',
        'startTime',
        'endTime',
        'recordsProcessed',
        'recordsTotal',
        'failedRecords',
        'successRate',
        'throughput',
      ])
        assert.ok(key in s.json.data, `status has ${key}`);
      assert.equal(s.json.data.recordsProcessed, 15_666);
      assert.equal(s.json.data.successRate, 100);
      const st = await call(stages.GET, 'GET', `/api/executions/${executionId}/stages`, executionId);
      assert.deepEqual(
        st.json.data.stages.map((x: { stageId: string }) => x.stageId),
        ['extract', 'transform', 'load_dimensions', 'load_facts', 'validate', 'report'],
      );
      const facts = st.json.data.stages.find((x: { stageId: string }) => x.stageId === 'load_facts');
      assert.equal(facts.status, 'completed');
      assert.equal(typeof facts.duration, 'number');
      assert.ok(
        facts.tasks.length > 0 && facts.tasks.every((t: { status: string }) => t.status === 'completed'),
      );
    });

    it('logs, metrics, history and the report', async () => {
      const l = await call(
        logs.GET,
        'GET',
        `/api/executions/${executionId}/logs?level=info&order=oldest`,
        executionId,
      );
      assert.equal(l.status, 200);
      assert.ok(l.json.data.entries.length > 0);
      assert.ok(l.json.data.entries.every((e: { level: string }) => e.level !== 'debug'));
      const badLevel = await call(
        logs.GET,
        'GET',
        `/api/executions/${executionId}/logs?level=loud`,
        executionId,
      );
      assert.equal(badLevel.status, 400);
      assert.equal(badLevel.json.error.field, 'level');
      assert.match(
        badLevel.json.error.message,
        /^Level must be one of debug, info, warning or error \(not “loud”\)\./,
      );
      const m = await call(metrics.GET, 'GET', `/api/executions/${executionId}/metrics`, executionId);
      assert.ok(m.json.data.samples.length > 0);
      const h = await call(history.GET, 'GET', `/api/executions?projectId=${projectId}`);
      assert.equal(h.json.data.executions[0].executionId, executionId);
      const page = await call(history.GET, 'GET', `/api/executions?projectId=${projectId}&limit=0`);
      assert.equal(page.status, 400);
      assert.equal(page.json.error.field, 'limit');
      assert.match(page.json.error.message, /^Limit must be at least 1\b/);
      const r = await call(report.GET, 'GET', `/api/executions/${executionId}/report`, executionId);
      assert.equal(r.status, 200);
      assert.match(r.type, /text\/html/);
      assert.match(r.text, /chinook-demo/);
    });

    it('bad input is 400 naming the field; an unknown id is 404; a control in the wrong state is 409', async () => {
      const noProject = await call(start.POST, 'POST', '/api/executions/start', '', {});
      assert.equal(noProject.status, 400);
      assert.equal(noProject.json.success, false);
      assert.equal(noProject.json.error.code, 'bad_input');
      assert.equal(noProject.json.error.field, 'projectId');
      assert.match(noProject.json.error.message, /^Project id is required\./);
      const notJson = await call(start.POST, 'POST', '/api/executions/start', '', '{oops');
      assert.equal(notJson.status, 400);
      assert.match(notJson.json.error.message, /^body:/);
      const unknownProject = await call(start.POST, 'POST', '/api/executions/start', '', {
        projectId: 'nope',
      });
      assert.equal(unknownProject.status, 404);
      for (const [route, method] of [
        [status.GET, 'GET'],
        [stages.GET, 'GET'],
        [logs.GET, 'GET'],
        [events.GET, 'GET'],
        [report.GET, 'GET'],
        [pause.POST, 'POST'],
        [resume.POST, 'POST'],
        [retry.POST, 'POST'],
        [cancel.POST, 'POST'],
      ] as const) {
        const missing = await call(route as Route, method, '/api/executions/missing', 'missing');
        assert.equal(missing.status, 404, `${method} ${route.name}`);
        assert.equal(missing.json.error.code, 'not_found');
      }
      for (const route of [resume.POST, retry.POST, pause.POST, cancel.POST]) {
        const conflict = await call(route, 'POST', `/api/executions/${executionId}/x`, executionId);
        assert.equal(conflict.status, 409);
        assert.equal(conflict.json.error.code, 'invalid_state');
        assert.match(conflict.json.error.message, /it is completed/);
      }
    });
  });
}
