import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  appendLogEntries,
  createApiKey,
  createConnection,
  createExecution,
  createProject,
  createUser,
  type UserRole,
} from '@databridge/store';
import { maskSecrets } from '../../../packages/queue/src/services/mask-secrets.ts';
import * as connectionTestRoute from '../app/api/connections/[id]/test/route.ts';
import * as logsRoute from '../app/api/executions/[id]/logs/route.ts';
import * as exportRoute from '../app/api/projects/[id]/export/route.ts';
import * as projectRoute from '../app/api/projects/[id]/route.ts';
import { type ApiWorld, openApiWorld } from './support.ts';

type Handler = (request: Request, segment: { params: Promise<{ id: string }> }) => Promise<Response>;

const WEBHOOK = 'https://hooks.slack.com/services/T0000/B0000/SECRETxSECRETxSECRET';
const STACK = 'Error: boom\n    at runTask (/srv/databridge/packages/engine/src/run/run-task.ts:42:7)';

describe('what each role may see: stacks, webhook URLs, passwords in messages', () => {
  let world: ApiWorld;
  let projectId = '';
  let executionId = '';
  const keys = new Map<UserRole, string>();

  before(async () => {
    world = await openApiWorld('sqlite');
    const { store } = world;
    for (const role of ['viewer', 'operator', 'editor', 'admin'] as const) {
      const owner = await createUser(store, {
        email: `${role}@example.com`,
        name: role,
        password: 'a long enough password',
        role,
      });
      keys.set(role, (await createApiKey(store, { name: role, role, createdBy: owner.id })).plaintext);
    }
    const source = await createConnection(store, { name: 'src', url: 'postgres://u@127.0.0.1:5432/a' });
    const target = await createConnection(store, { name: 'dst', url: 'postgres://u@127.0.0.1:5432/b' });
    projectId = (
      await createProject(store, {
        name: 'alerts',
        sourceConnectionId: source.id,
        targetConnectionId: target.id,
        spec: {
          source: { url: 'postgres://u@127.0.0.1:5432/a' },
          target: { url: 'postgres://u@127.0.0.1:5432/b' },
          mappings: [{ source: 'a', target: 'a', columns: [{ source: 'id', target: 'id' }] }],
          schedule: { cron: '0 3 * * *', alerts: { emails: [], slackWebhookUrl: WEBHOOK } },
        },
      })
    ).id;
    executionId = (await createExecution(store, { projectId })).id;
    await appendLogEntries(store, executionId, [{ level: 'error', message: 'boom', stack: STACK }]);
  });

  after(async () => {
    await world.close();
  });

  async function as(role: UserRole, handler: Handler, path: string, id: string) {
    const response = await handler(
      new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${keys.get(role)}` } }),
      { params: Promise.resolve({ id }) },
    );
    return { status: response.status, text: await response.text() };
  }

  it('shows stack traces to editors and admins only', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const reply = await as(role, logsRoute.GET as Handler, '/x', executionId);
      assert.equal(reply.status, 200, reply.text);
      const entry = JSON.parse(reply.text).data.entries[0];
      assert.equal(entry.message, 'boom');
      assert.equal(entry.stack, null, role);
      assert.doesNotMatch(reply.text, /\/srv\/databridge/);
    }
    for (const role of ['editor', 'admin'] as const) {
      const reply = await as(role, logsRoute.GET as Handler, '/x', executionId);
      assert.equal(JSON.parse(reply.text).data.entries[0].stack, STACK, role);
    }
  });

  it('masks the alert webhook URL for viewers and operators in the project and its export', async () => {
    for (const role of ['viewer', 'operator'] as const) {
      const view = await as(role, projectRoute.GET as Handler, '/x', projectId);
      assert.equal(view.status, 200, view.text);
      assert.equal(
        JSON.parse(view.text).data.spec.schedule.alerts.slackWebhookUrl,
        'https://hooks.slack.com/***',
      );
      for (const format of ['yaml', 'json']) {
        const file = await as(role, exportRoute.GET as Handler, `/x?format=${format}`, projectId);
        assert.equal(file.status, 200, file.text);
        assert.doesNotMatch(file.text, /SECRETxSECRET/, `${role} ${format}`);
        assert.match(file.text, /hooks\.slack\.com\/\*\*\*/);
      }
    }
    for (const role of ['editor', 'admin'] as const) {
      const view = await as(role, projectRoute.GET as Handler, '/x', projectId);
      assert.equal(JSON.parse(view.text).data.spec.schedule.alerts.slackWebhookUrl, WEBHOOK, role);
      const file = await as(role, exportRoute.GET as Handler, '/x?format=yaml', projectId);
      assert.match(file.text, /SECRETxSECRET/);
    }
  });

  it('a one-letter password does not show itself by masking every letter like it', async () => {
    const missing = `nosuchdb_${Date.now().toString(36)}`;
    const connection = await createConnection(world.store, {
      name: 'short password',
      url: `postgres://postgres:x@127.0.0.1:5432/${missing}`,
    });
    const reply = await world.call(connectionTestRoute.POST as Handler, 'POST', '/x', { id: connection.id });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.body.data.ok, false);
    assert.match(reply.body.data.message, /does not exist/, 'not "does not e***ist"');
    assert.doesNotMatch(reply.body.data.message, /\*\*\*/);
  });

  it('masks a password where it stands: URLs, named fields, and long secrets anywhere', () => {
    assert.equal(
      maskSecrets('could not reach postgres://app:x@db:5432/shop: refused', ['x']),
      'could not reach postgres://app:***@db:5432/shop: refused',
    );
    assert.equal(maskSecrets('bad option password=x;', ['x']), 'bad option password=***;');
    assert.equal(maskSecrets('{"password":"x","table":"tax"}', ['x']), '{"password":"***","table":"tax"}');
    assert.equal(
      maskSecrets('role "Zq9-long-secret" does not exist', ['Zq9-long-secret']),
      'role "***" does not exist',
    );
    assert.equal(maskSecrets('database "exist" does not exist', ['x']), 'database "exist" does not exist');
  });
});
