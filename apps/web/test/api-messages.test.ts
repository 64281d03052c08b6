// What the API says to people when their input is wrong: one message naming the field once, in words,
// with the code and the field path kept apart for programs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getServiceContext } from '@databridge/queue';
import { SmtpReceiver, WebhookReceiver } from '../../../packages/queue/test/support/alert-receivers.ts';
import * as connectionsRoute from '../app/api/connections/route.ts';
import * as history from '../app/api/executions/route.ts';
import * as previewRoute from '../app/api/projects/[id]/preview/route.ts';
import * as projectRoute from '../app/api/projects/[id]/route.ts';
import * as testAlertRoute from '../app/api/projects/[id]/test-alert/route.ts';
import * as projectsRoute from '../app/api/projects/route.ts';
import * as usersRoute from '../app/api/users/route.ts';
import { ApiError } from '../lib/api-client.ts';
import { type ApiWorld, CHINOOK_SQLITE, freshPostgres, openApiWorld, type TestDatabase } from './support.ts';

describe('messages for people (sqlite store)', () => {
  let world: ApiWorld;
  let target: TestDatabase;
  let projectId: string;
  // biome-ignore lint/suspicious/noExplicitAny: the spec travels as JSON
  let spec: any;
  before(async () => {
    world = await openApiWorld('sqlite');
    target = await freshPostgres();
    const connection = async (body: Record<string, unknown>) =>
      (await world.call(connectionsRoute.POST, 'POST', '/api/connections', { body })).body.data.id as string;
    const source = await connection({ name: 'chinook', kind: 'sqlite', file: CHINOOK_SQLITE });
    const into = await connection({
      name: 'empty',
      kind: 'postgres',
      host: '127.0.0.1',
      port: 5432,
      user: 'postgres',
      database: target.name,
    });
    const created = await world.call(projectsRoute.POST, 'POST', '/api/projects', {
      body: { name: 'Chinook copy', sourceConnectionId: source, targetConnectionId: into },
    });
    assert.equal(created.status, 201, created.text);
    projectId = created.body.data.id;
    spec = created.body.data.spec;
  });
  after(async () => {
    await world.close();
    await target?.drop();
  });

  const saveSpec = (next: unknown) =>
    world.call(projectRoute.PATCH, 'PATCH', `/api/projects/${projectId}`, {
      id: projectId,
      body: { spec: next },
    });

  test('a new target table name PostgreSQL would cut is refused, naming the mapping; an odd one is the user’s call', async () => {
    const long = 'a'.repeat(64);
    const refused = await saveSpec({
      ...spec,
      mappings: spec.mappings.map((m: { source: string }, i: number) =>
        i === 0 ? { ...m, target: long } : m,
      ),
    });
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.error.code, 'bad_input');
    assert.equal(refused.body.error.field, 'mappings.0.target');
    assert.equal(
      refused.body.error.message,
      `Table mapping 1: the target table “${long}” of ${spec.mappings[0].source} cannot be created: the table name is 64 bytes long; PostgreSQL allows at most 63; choose a shorter or plainer name.`,
    );
    const odd = await saveSpec({
      ...spec,
      mappings: spec.mappings.map((m: { source: string }, i: number) =>
        i === 0 ? { ...m, target: 'bad name!' } : m,
      ),
    });
    assert.equal(odd.status, 200, odd.text);
    assert.equal(odd.body.data.spec.mappings[0].target, 'bad name!');
  });

  test('the projects list shows the next run in the project’s time zone, or paused', async () => {
    const scheduled = await saveSpec({
      ...spec,
      schedule: { cron: '30 2 * * 1-5', timezone: 'Europe/Berlin' },
    });
    assert.equal(scheduled.status, 200, scheduled.text);
    const list = await world.call(projectsRoute.GET, 'GET', '/api/projects');
    const next = list.body.data.find((p: { id: string }) => p.id === projectId).nextRun;
    assert.equal(next.state, 'scheduled');
    assert.equal(next.timezone, 'Europe/Berlin');
    assert.match(next.local, /^(Mon|Tue|Wed|Thu|Fri) \d{1,2} \w{3}( \d{4})?, 02:30$/);
    const at = new Date(next.at);
    assert.ok(at.getTime() > Date.now() && at.getTime() - Date.now() <= 4 * 86_400_000, next.at);
    await saveSpec({
      ...spec,
      schedule: { cron: '30 2 * * 1-5', timezone: 'Europe/Berlin', enabled: false },
    });
    const paused = await world.call(projectsRoute.GET, 'GET', '/api/projects');
    assert.deepEqual(paused.body.data.find((p: { id: string }) => p.id === projectId).nextRun, {
      state: 'paused',
    });
  });

  test('a test alert goes out through the real senders; without SMTP settings it says why', async () => {
    const smtp = new SmtpReceiver();
    const webhook = new WebhookReceiver();
    await Promise.all([smtp.start(), webhook.start()]);
    Object.assign((await getServiceContext()).env, { baseUrl: 'https://databridge.example.com' });
    const saved = { ...process.env };
    try {
      // The webhook receiver listens on 127.0.0.1, which alerts refuse unless told otherwise.
      Object.assign(process.env, smtp.env(), { DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS: '1' });
      const sent = await world.call(testAlertRoute.POST, 'POST', `/api/projects/${projectId}/test-alert`, {
        id: projectId,
        body: { emails: ['ops@example.com'], slackWebhookUrl: webhook.url },
      });
      assert.equal(sent.status, 200, sent.text);
      assert.deepEqual(
        sent.body.data.results.map((r: { channel: string; ok: boolean }) => [r.channel, r.ok]),
        [
          ['email', true],
          ['slack', true],
        ],
      );
      assert.equal(smtp.received.length, 1);
      assert.deepEqual(smtp.received[0]?.envelopeTo, ['ops@example.com']);
      assert.match(smtp.received[0]?.raw ?? '', /^Subject: =\?UTF-8\?Q\?=5BDataBridge=5D_Test_alert/m);
      assert.match(smtp.received[0]?.raw ?? '', /This is a test alert\./);
      const posted = webhook.received[0] as { text: string };
      assert.match(posted.text, /Test alert: "Chinook copy" alerts reach you here/);
      assert.match(
        posted.text,
        new RegExp(`https://databridge\\.example\\.com/projects/${projectId}/schedule`),
      );
      // The webhook is plain http: flagged even though this one answered.
      assert.deepEqual(
        sent.body.data.problems.map((p: { channel: string }) => p.channel),
        ['slack'],
      );

      for (const key of Object.keys(smtp.env())) delete process.env[key];
      const noSmtp = await world.call(testAlertRoute.POST, 'POST', `/api/projects/${projectId}/test-alert`, {
        id: projectId,
        body: { emails: ['ops@example.com'] },
      });
      assert.equal(noSmtp.status, 200, noSmtp.text);
      assert.equal(noSmtp.body.data.results[0].ok, false);
      assert.match(noSmtp.body.data.results[0].error, /SMTP/);
      assert.match(noSmtp.body.data.problems[0].message, /the server has no SMTP settings/);
      assert.equal(smtp.received.length, 1, 'nothing more was sent');

      const nowhere = await world.call(testAlertRoute.POST, 'POST', `/api/projects/${projectId}/test-alert`, {
        id: projectId,
        body: { emails: [] },
      });
      assert.equal(nowhere.status, 400, nowhere.text);
      assert.match(nowhere.body.error.message, /add an e-mail address or a Slack webhook first/);
    } finally {
      process.env = saved;
      await Promise.all([smtp.stop(), webhook.stop()]);
    }
  });

  test('the plan warns of e-mail alerts without SMTP settings and of a plain http:// Slack webhook', async () => {
    for (const key of Object.keys(process.env)) if (key.startsWith('SMTP_')) delete process.env[key];
    const saved = await saveSpec({
      ...spec,
      schedule: { alerts: { emails: ['ops@example.com'], slackWebhookUrl: 'http://hooks.example.com/x' } },
    });
    assert.equal(saved.status, 200, saved.text);
    const preview = await world.call(previewRoute.GET, 'GET', `/api/projects/${projectId}/preview?rows=1`, {
      id: projectId,
    });
    assert.equal(preview.status, 200, preview.text);
    assert.deepEqual(
      preview.body.data.alertProblems.map((p: { channel: string; message: string }) => [
        p.channel,
        p.message,
      ]),
      [
        ['email', 'E-mail alerts to 1 address cannot be sent: the server has no SMTP settings.'],
        [
          'slack',
          'The Slack webhook URL uses plain http://: the URL is a secret and would travel unencrypted, and Slack only answers on https://.',
        ],
      ],
    );
  });

  test('a form’s bad value is one sentence with its label, and the JSON keeps the code and the field', async () => {
    const cases: [string, Record<string, unknown>, string, string][] = [
      [
        'a user',
        { email: 'x@', name: 'Ann', password: 'a long enough password', role: 'viewer' },
        'email',
        'E-mail is not an e-mail address: “x@”.',
      ],
      [
        'a user',
        { email: 'ann@example.com', name: 'Ann', password: 'a long enough password', role: 'owner' },
        'role',
        'Role must be one of admin, editor, operator or viewer (not “owner”).',
      ],
      ['a connection', { name: '', url: 'sqlite:/tmp/x.db' }, 'name', 'Name must not be empty.'],
      [
        'a connection',
        { name: 'warehouse', kind: 'postgres', host: 'db', port: 70000, database: 'd' },
        'port',
        'Port must be at most 65,535 (not 70,000).',
      ],
      [
        'a connection',
        { name: 'warehouse', kind: 'oracle', host: 'db', database: 'd' },
        'kind',
        'Database kind must be one of postgres, mysql, mariadb or sqlite (not “oracle”).',
      ],
    ];
    for (const [what, body, field, message] of cases) {
      const route = what === 'a user' ? usersRoute : connectionsRoute;
      const path = what === 'a user' ? '/api/users' : '/api/connections';
      const reply = await world.call(route.POST, 'POST', path, { body });
      assert.equal(reply.status, 400, reply.text);
      assert.deepEqual(reply.body.error, { code: 'bad_input', message, field }, what);
    }
  });

  test('a cursor the list never handed out is named once', async () => {
    const reply = await world.call(history.GET, 'GET', '/api/executions?cursor=bad');
    assert.equal(reply.status, 400, reply.text);
    assert.equal(reply.body.error.code, 'bad_input');
    assert.equal(reply.body.error.message, 'cursor: not a cursor this list handed out');
  });
});

describe('the browser’s reading of an API error', () => {
  test('places it by the JSON’s field and shows the sentence whole; a raw key before a message is dropped', () => {
    const labelled = new ApiError(
      'bad_input',
      'Schedule: “61 * * * *” is not a cron expression.',
      400,
      'schedule.cron',
    );
    assert.equal(labelled.field, 'schedule.cron');
    assert.equal(labelled.detail, 'Schedule: “61 * * * *” is not a cron expression.');
    const keyed = new ApiError('bad_input', 'body: is not valid JSON', 400);
    assert.equal(keyed.field, 'body');
    assert.equal(keyed.detail, 'is not valid JSON');
  });
});
