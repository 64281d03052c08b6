import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createExecution,
  getExecution,
  type Project,
  updateExecution,
  updateProject,
} from '@databridge/store';
import Database from 'better-sqlite3';
import { SMTPServer } from 'smtp-server';
import type { SmtpSettings } from '../src/alerts/smtp-settings.ts';
import { type SchedulerLogEntry, type TickContext, type TickOptions, tick } from '../src/scheduler/tick.ts';
import { startExecution } from '../src/services/executions-service.ts';
import { type Harness, openHarness, projectFor } from './support/harness.ts';

// The webhook receivers here listen on 127.0.0.1, which alerts refuse unless the server allows it.
process.env.DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS = '1';

const MINUTE = 60_000;
const BASE_URL = 'https://databridge.example.com';

/** Quoted-printable's =XX escapes (soft line breaks are removed first). */
function unquote(text: string): string {
  return text.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** A real SMTP server on a free port that keeps every message it receives, as text. */
class Mailbox {
  readonly received: { to: string[]; subject: string; text: string }[] = [];
  port = 0;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const split = raw.indexOf('\r\n\r\n');
        const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
        // A long subject comes as RFC 2047 encoded words.
        const subject = (/^subject: (.*)$/im.exec(headers)?.[1] ?? '')
          .replace(/\?=\s+=\?/g, '?==?')
          .replace(/=\?UTF-8\?Q\?([^?]*)\?=/gi, (_, word: string) => unquote(word.replace(/_/g, ' ')));
        const text = unquote(raw.slice(split + 4).replace(/=\r\n/g, ''));
        this.received.push({ to: session.envelope.rcptTo.map((r) => r.address), subject, text });
        callback();
      });
    },
  });

  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server.server, 'listening');
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  get settings(): SmtpSettings {
    return { host: '127.0.0.1', port: this.port, secure: false, auth: undefined, from: 'alerts@example.com' };
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A Slack-style incoming webhook on a free port: keeps each posted `text`, answers `status`. */
class Webhook {
  readonly received: string[] = [];
  status = 200;
  private readonly server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      this.received.push((JSON.parse(body) as { text: string }).text);
      response
        .writeHead(this.status, { 'content-type': 'text/plain' })
        .end(this.status === 200 ? 'ok' : 'no');
    });
  });

  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/services/T000/B000/XXXX`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function project(h: Harness, schedule: object, where?: string): Promise<Project> {
  const file = join(h.dir, `events-${randomBytes(3).toString('hex')}.sqlite`);
  const db = new Database(file);
  db.exec(
    "CREATE TABLE events (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO events (note) VALUES ('a'), ('b');",
  );
  db.close();
  const target = join(h.dir, `target-${randomBytes(3).toString('hex')}.sqlite`);
  return projectFor(h.store, `sqlite:${file}`, `sqlite:${target}`, {
    pipeline: { createTables: true },
    schedule,
    mappings: [
      {
        source: 'events',
        target: 'events',
        mode: 'replace',
        ...(where ? { where } : {}),
        columns: [
          { source: 'id', target: 'id' },
          { source: 'note', target: 'note' },
        ],
      },
    ],
  });
}

/** An execution the store shows running since `startedAt`. */
async function runningSince(h: Harness, projectId: string, startedAt: Date): Promise<string> {
  const execution = await createExecution(h.store, { projectId, trigger: 'schedule' });
  await updateExecution(h.store, execution.id, { status: 'running', startedAt });
  return execution.id;
}

for (const storeKind of ['sqlite', 'postgres'] as const) {
  describe(`scheduler alerts (${storeKind} store)`, () => {
    let h: Harness;
    let ctx: TickContext;
    const mailbox = new Mailbox();
    const webhook = new Webhook();
    const logs: SchedulerLogEntry[] = [];
    let options: TickOptions;
    before(async () => {
      h = await openHarness(storeKind, 'in-process');
      ctx = { store: h.store, executor: h.executor, env: { baseUrl: BASE_URL } };
      await mailbox.start();
      await webhook.start();
      options = { smtp: mailbox.settings, log: (entry) => logs.push(entry) };
    });
    after(async () => {
      await h.close();
      await mailbox.close();
      await webhook.close();
    });

    it('an SLA alert reaches a real SMTP server and a webhook, once per run', async () => {
      const p = await project(h, {
        sla: { minutes: 30 },
        alerts: { emails: ['ops@example.com'], slackWebhookUrl: webhook.url },
      });
      const startedAt = new Date(Date.now() - 5 * MINUTE);
      const runId = await runningSince(h, p.id, startedAt);
      const mails = mailbox.received.length;
      const posts = webhook.received.length;

      const early = await tick(ctx, new Date(startedAt.getTime() + 20 * MINUTE), options);
      assert.deepEqual(early.alerts, []);

      const late = await tick(ctx, new Date(startedAt.getTime() + 45 * MINUTE), options);
      assert.deepEqual(late.alerts, [
        {
          kind: 'sla',
          projectId: p.id,
          executionId: runId,
          channels: [
            { channel: 'email', ok: true, attempts: 1 },
            { channel: 'slack', ok: true, attempts: 1 },
          ],
        },
      ]);
      const link = `${BASE_URL}/projects/${p.id}/executions/${runId}`;
      const mail = mailbox.received[mails]!;
      assert.deepEqual(mail.to, ['ops@example.com']);
      assert.equal(mail.subject, `[DataBridge] SLA missed: "${p.name}" run ${runId} has run 45 min`);
      for (const line of [
        `Project: ${p.name}`,
        `Run: ${runId}`,
        'Running for: 45 min',
        'SLA: 30 min',
        `Open the run: ${link}`,
      ]) {
        assert.ok(mail.text.includes(line), `${line} in\n${mail.text}`);
      }
      assert.equal(webhook.received.length, posts + 1);
      assert.ok(webhook.received[posts]!.includes(`SLA missed: "${p.name}" run ${runId} has run 45 min`));
      assert.ok(webhook.received[posts]!.includes(link));

      const later = await tick(ctx, new Date(startedAt.getTime() + 90 * MINUTE), options);
      assert.deepEqual(later.alerts, [], 'one SLA alert per run');
      assert.equal(mailbox.received.length, mails + 1);
      assert.equal(webhook.received.length, posts + 1);

      // Another run of the same project has its own alert.
      const secondId = await runningSince(h, p.id, startedAt);
      const second = await tick(ctx, new Date(startedAt.getTime() + 91 * MINUTE), options);
      assert.deepEqual(
        second.alerts.map((a) => [a.kind, a.executionId]),
        [['sla', secondId]],
      );
      assert.equal(mailbox.received.length, mails + 2);
      for (const id of [runId, secondId]) {
        await updateExecution(h.store, id, { status: 'cancelling' });
        await updateExecution(h.store, id, { status: 'cancelled', endedAt: new Date() });
      }
    });

    it('a failed run alerts once, and the next successful run alerts its recovery once', async () => {
      const schedule = { alerts: { slackWebhookUrl: webhook.url, onFailure: true, onRecovery: true } };
      const p = await project(h, schedule, 'no_such_column = 1');
      const failed = await startExecution(h, { projectId: p.id });
      await h.executor.settled(failed.executionId);
      assert.equal((await getExecution(h.store, failed.executionId))?.status, 'failed');
      const posts = webhook.received.length;

      const one = await tick(ctx, new Date(), options);
      assert.deepEqual(
        one.alerts.map((a) => [a.kind, a.executionId, a.channels[0]?.ok]),
        [['failure', failed.executionId, true]],
      );
      const text = webhook.received[posts]!;
      assert.match(text, new RegExp(`Run failed: "${p.name}" run ${failed.executionId} failed after`));
      assert.match(text, /Error: .*no_such_column/);
      assert.deepEqual((await tick(ctx, new Date(), options)).alerts, [], 'one failure alert per run');

      const { where: _, ...fixed } = p.spec.mappings[0]!;
      await updateProject(h.store, p.id, { spec: { ...p.spec, mappings: [fixed] } });
      const recovered = await startExecution(h, { projectId: p.id });
      await h.executor.settled(recovered.executionId);
      assert.equal((await getExecution(h.store, recovered.executionId))?.status, 'completed');
      const two = await tick(ctx, new Date(), options);
      assert.deepEqual(
        two.alerts.map((a) => [a.kind, a.executionId]),
        [['recovery', recovered.executionId]],
      );
      assert.match(webhook.received[posts + 1]!, /Recovered: .* succeeded after/);

      const again = await startExecution(h, { projectId: p.id });
      await h.executor.settled(again.executionId);
      assert.deepEqual(
        (await tick(ctx, new Date(), options)).alerts,
        [],
        'a success after a success is no news',
      );
      assert.equal(webhook.received.length, posts + 2);
    });

    it('an alert that cannot be sent is retried, logged and reported, and the tick goes on', async () => {
      const closed = new Webhook();
      await closed.start();
      const deadUrl = closed.url;
      await closed.close();
      const failing = new Webhook();
      failing.status = 500;
      await failing.start();
      try {
        const p = await project(h, {
          sla: { minutes: 1 },
          alerts: { emails: ['ops@example.com'], slackWebhookUrl: failing.url },
        });
        const q = await project(h, { sla: { minutes: 1 }, alerts: { slackWebhookUrl: deadUrl } });
        const runP = await runningSince(h, p.id, new Date(Date.now() - 10 * MINUTE));
        const runQ = await runningSince(h, q.id, new Date(Date.now() - 10 * MINUTE));
        logs.length = 0;
        const broken: TickOptions = {
          // Nothing listens where the SMTP server was; the logger itself throws, too.
          smtp: { ...mailbox.settings, port: Number(new URL(deadUrl).port) },
          alertAttempts: 2,
          alertRetryDelayMs: 10,
          alertTimeoutMs: 2000,
          log: (entry) => {
            logs.push(entry);
            throw new Error('the log is full');
          },
        };
        const summary = await tick(ctx, new Date(), broken);
        assert.deepEqual(summary.errors, []);
        const byRun = new Map(summary.alerts.map((a) => [a.executionId, a.channels]));
        assert.deepEqual(
          byRun.get(runP)?.map((c) => [c.channel, c.ok, c.attempts]),
          [
            ['email', false, 2],
            ['slack', false, 2],
          ],
        );
        assert.match(byRun.get(runP)?.[1]?.error ?? '', /answered 500/);
        assert.deepEqual(
          byRun.get(runQ)?.map((c) => [c.channel, c.ok]),
          [['slack', false]],
        );
        assert.equal(failing.received.length, 2, 'the transient failure was retried');
        const mine = logs.filter((l) => l.executionId === runP);
        assert.deepEqual(mine.map((l) => l.level).sort(), ['error', 'error', 'warning', 'warning']);
        assert.ok(
          logs.every((l) => !l.message.includes(failing.url)),
          'the webhook URL is a secret',
        );

        const next = await tick(ctx, new Date(), broken);
        assert.equal(
          next.alerts.filter((a) => a.executionId === runP || a.executionId === runQ).length,
          0,
          'a failed alert is not sent again by every tick',
        );
        for (const id of [runP, runQ]) {
          await updateExecution(h.store, id, { status: 'cancelling' });
          await updateExecution(h.store, id, { status: 'cancelled', endedAt: new Date() });
        }
      } finally {
        await failing.close();
      }
    });
  });
}
