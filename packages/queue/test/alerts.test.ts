import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DataBridgeError } from '@databridge/engine';
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';
import {
  type Alert,
  type AlertLogEntry,
  deliverAlert,
  formatAlert,
  type SmtpSettings,
  sendEmailAlert,
  sendSlackAlert,
  smtpSettingsFromEnv,
} from '../src/alerts/index.ts';

// The webhook receivers here listen on 127.0.0.1, which alerts refuse unless the server allows it.
process.env.DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS = '1';

const alert: Alert = {
  kind: 'sla',
  projectId: 'prj_42',
  projectName: 'nightly-orders',
  executionId: 'exe_7',
  logicalDate: new Date('2024-05-01T02:00:00Z'),
  startedAt: new Date('2024-05-01T02:00:05Z'),
  at: new Date('2024-05-01T03:12:35Z'),
  slaMinutes: 60,
  baseUrl: 'https://databridge.example.com/',
};

const failure: Alert = {
  ...alert,
  kind: 'failure',
  at: new Date('2024-05-01T02:14:05Z'),
  error:
    'connect ECONNREFUSED for postgres://loader:hunter2@db.internal:5432/warehouse (password=hunter2) in sqlite:/srv/a.db',
};

/** A received email: headers by lower-case name with encoded words decoded, and the text body. */
interface ReceivedMail {
  readonly headers: Record<string, string>;
  readonly text: string;
  readonly envelopeTo: string[];
}

/** Reads a message as a mail client would: unfolds headers, decodes RFC 2047 words and the body. */
function readMail(raw: string, envelopeTo: string[]): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of raw
    .slice(0, split)
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  const body = raw.slice(split + 4);
  const encoding = headers['content-transfer-encoding'] ?? '7bit';
  const text =
    encoding === 'quoted-printable'
      ? decodeQuotedPrintable(body.replace(/=\r\n/g, ''))
      : encoding === 'base64'
        ? Buffer.from(body, 'base64').toString('utf8')
        : body;
  return { headers, text: text.replace(/\r\n/g, '\n'), envelopeTo };
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=([0-9A-F]{2})/gi, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** A real SMTP server on a free port that keeps what it receives; `reject` answers the next DATA with an error. */
class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  readonly logins: { user: string; pass: string }[] = [];
  rejectNext: { code: number; message: string }[] = [];
  private readonly server: SMTPServer;
  port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      disableReverseLookup: true,
      logger: false,
      onAuth: (auth: SMTPServerAuthentication, _session: SMTPServerSession, callback) => {
        this.logins.push({ user: auth.username ?? '', pass: auth.password ?? '' });
        if (auth.password !== 's3cret') return callback(new Error('Invalid username or password'));
        callback(null, { user: auth.username });
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const rejection = this.rejectNext.shift();
          if (rejection) {
            const error = Object.assign(new Error(rejection.message), { responseCode: rejection.code });
            return callback(error);
          }
          const to = session.envelope.rcptTo.map((r) => r.address);
          this.received.push(readMail(Buffer.concat(chunks).toString('utf8'), to));
          callback();
        });
      },
    });
  }

  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server.server, 'listening');
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  settings(overrides: Partial<SmtpSettings> = {}): SmtpSettings {
    return {
      host: '127.0.0.1',
      port: this.port,
      secure: false,
      auth: { user: 'alerts', pass: 's3cret' },
      from: 'DataBridge <alerts@example.com>',
      ...overrides,
    };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A real HTTP server standing in for a Slack incoming webhook; `answers` are used in turn, then 200. */
class TestWebhook {
  readonly received: unknown[] = [];
  answers: number[] = [];
  hang = false;
  private readonly server: Server = createServer((request, response) => this.handle(request, response));
  url = '';

  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/services/T000/B000/XXXX`;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (this.hang) return; // never answers
    this.received.push({
      method: request.method,
      type: request.headers['content-type'],
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
    });
    const status = this.answers.shift() ?? 200;
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end(status === 200 ? 'ok' : status === 404 ? 'no_service' : 'server_error');
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('alert text', () => {
  it('names the project, the run, how long it has run and links to it', () => {
    const message = formatAlert(alert);
    assert.equal(message.subject, '[DataBridge] SLA missed: "nightly-orders" run exe_7 has run 1 h 12 min');
    assert.equal(message.link, 'https://databridge.example.com/projects/prj_42/executions/exe_7');
    assert.equal(
      message.text,
      [
        'Project: nightly-orders',
        'Run: exe_7',
        'Scheduled for: 2024-05-01T02:00:00.000Z',
        'Started: 2024-05-01T02:00:05.000Z',
        'Running for: 1 h 12 min',
        'SLA: 60 min',
        'Open the run: https://databridge.example.com/projects/prj_42/executions/exe_7',
        '',
      ].join('\n'),
    );
  });

  it('a failure alert carries the error without connection URLs or passwords', () => {
    const message = formatAlert(failure);
    assert.match(message.subject, /Run failed: "nightly-orders" run exe_7 failed after 14 min/);
    assert.match(
      message.text,
      /^Error: connect ECONNREFUSED for \[URL removed\] \(password=\[removed\]\) in \[URL removed\]$/m,
    );
    assert.doesNotMatch(message.text, /hunter2|postgres:|db\.internal|sqlite:/);
  });

  it('a recovery alert says the run succeeded', () => {
    const message = formatAlert({ ...alert, kind: 'recovery', at: new Date('2024-05-01T02:00:50Z') });
    assert.equal(message.subject, '[DataBridge] Recovered: "nightly-orders" run exe_7 succeeded after 45 s');
    assert.match(message.text, /^Ran for: 45 s$/m);
  });
});

describe('SMTP settings from the environment', () => {
  it('without SMTP_HOST email alerts are off', () => {
    assert.equal(smtpSettingsFromEnv({}), null);
    assert.equal(smtpSettingsFromEnv({ SMTP_HOST: ' ', SMTP_PORT: '25' }), null);
  });

  it('fills the port and TLS mode from each other', () => {
    assert.deepEqual(
      smtpSettingsFromEnv({ SMTP_HOST: 'mail.example.com', SMTP_FROM: 'alerts@example.com' }),
      {
        host: 'mail.example.com',
        port: 587,
        secure: false,
        auth: undefined,
        from: 'alerts@example.com',
      },
    );
    const implicitTls = smtpSettingsFromEnv({
      SMTP_HOST: 'mail.example.com',
      SMTP_PORT: '465',
      SMTP_USER: 'alerts@example.com',
      SMTP_PASSWORD: 'pw',
    });
    assert.equal(implicitTls?.secure, true);
    assert.equal(implicitTls?.from, 'alerts@example.com', 'SMTP_USER is the sender when it is an address');
    assert.deepEqual(implicitTls?.auth, { user: 'alerts@example.com', pass: 'pw' });
    assert.equal(smtpSettingsFromEnv({ SMTP_HOST: 'h', SMTP_SECURE: 'yes', SMTP_FROM: 'a@b.c' })?.port, 465);
  });

  it('names each variable that is wrong, never the password', () => {
    const problem = (env: NodeJS.ProcessEnv) => {
      try {
        smtpSettingsFromEnv(env);
      } catch (error) {
        assert.ok(error instanceof DataBridgeError && error.code === 'bad_spec');
        return error.message;
      }
      assert.fail('accepted');
    };
    assert.match(
      problem({ SMTP_HOST: 'h', SMTP_PORT: 'abc', SMTP_FROM: 'a@b.c' }),
      /SMTP_PORT must be a port number, not "abc"/,
    );
    assert.match(
      problem({ SMTP_HOST: 'h', SMTP_PORT: '70000', SMTP_FROM: 'a@b.c' }),
      /SMTP_PORT must be a port number from 1 to 65535/,
    );
    assert.match(
      problem({ SMTP_HOST: 'h', SMTP_SECURE: 'maybe', SMTP_FROM: 'a@b.c' }),
      /SMTP_SECURE must be true or false/,
    );
    assert.match(problem({ SMTP_HOST: 'h', SMTP_FROM: 'nobody' }), /SMTP_FROM must be an address/);
    assert.match(
      problem({ SMTP_HOST: 'h' }),
      /SMTP_FROM is required .* unless SMTP_USER is an email address/,
    );
    const missingUser = problem({ SMTP_HOST: 'h', SMTP_PASSWORD: 'hunter2', SMTP_FROM: 'a@b.c' });
    assert.match(missingUser, /SMTP_USER is required when SMTP_PASSWORD is set/);
    assert.doesNotMatch(missingUser, /hunter2/);
  });
});

describe('sending alerts', () => {
  const smtp = new TestSmtpServer();
  const webhook = new TestWebhook();
  before(async () => {
    await smtp.start();
    await webhook.start();
  });
  after(async () => {
    await smtp.stop();
    await webhook.stop();
  });

  it('emails the alert through a real SMTP server, logging in with SMTP_USER and SMTP_PASSWORD', async () => {
    const before = smtp.received.length;
    await sendEmailAlert(smtp.settings(), ['ops@example.com', 'dba@example.com'], alert);
    const mail = smtp.received[before]!;
    assert.deepEqual(smtp.logins.at(-1), { user: 'alerts', pass: 's3cret' });
    assert.deepEqual(mail.envelopeTo, ['ops@example.com', 'dba@example.com']);
    assert.equal(mail.headers.from, 'DataBridge <alerts@example.com>');
    assert.equal(mail.headers.to, 'ops@example.com, dba@example.com');
    assert.equal(
      mail.headers.subject,
      '[DataBridge] SLA missed: "nightly-orders" run exe_7 has run 1 h 12 min',
    );
    assert.equal(mail.text.trimEnd(), formatAlert(alert).text.trimEnd());
  });

  it('a failure email carries no connection URL or password', async () => {
    const before = smtp.received.length;
    await sendEmailAlert(smtp.settings(), ['ops@example.com'], failure);
    const mail = smtp.received[before]!;
    assert.match(mail.text, /Error: connect ECONNREFUSED for \[URL removed\]/);
    assert.doesNotMatch(JSON.stringify(mail), /hunter2|postgres:|s3cret/);
  });

  it('a project name outside ASCII arrives intact', async () => {
    const before = smtp.received.length;
    await sendEmailAlert(smtp.settings(), ['ops@example.com'], {
      ...alert,
      projectName: 'Bestellungen Über Nacht',
    });
    const mail = smtp.received[before]!;
    assert.match(mail.headers.subject!, /"Bestellungen Über Nacht" run exe_7/);
    assert.match(mail.text, /^Project: Bestellungen Über Nacht$/m);
  });

  it('a refused password is auth_failed', async () => {
    await assert.rejects(
      sendEmailAlert(smtp.settings({ auth: { user: 'alerts', pass: 'wrong' } }), ['ops@example.com'], alert),
      (error: unknown) => error instanceof DataBridgeError && error.code === 'auth_failed',
    );
  });

  it('posts { text } to the Slack webhook', async () => {
    const before = webhook.received.length;
    await sendSlackAlert(webhook.url, alert);
    const request = webhook.received[before] as { method: string; type: string; body: { text: string } };
    assert.equal(request.method, 'POST');
    assert.equal(request.type, 'application/json');
    assert.deepEqual(Object.keys(request.body), ['text']);
    assert.match(
      request.body.text,
      /^\*\[DataBridge\] SLA missed: "nightly-orders" run exe_7 has run 1 h 12 min\*\n/,
    );
    assert.match(request.body.text, /Running for: 1 h 12 min/);
    assert.match(
      request.body.text,
      /Open the run: https:\/\/databridge\.example\.com\/projects\/prj_42\/executions\/exe_7/,
    );
  });

  it('a webhook answer other than 2xx is an error saying whether to retry, without the webhook URL', async () => {
    webhook.answers = [500];
    await assert.rejects(sendSlackAlert(webhook.url, alert), (error: unknown) => {
      assert.ok(error instanceof DataBridgeError);
      assert.equal(error.code, 'transient');
      // What the webhook answered is never repeated: it could be any server's page.
      assert.equal(error.message, 'Slack alert failed: the webhook answered 500');
      return true;
    });
    webhook.answers = [404];
    await assert.rejects(sendSlackAlert(webhook.url, alert), (error: unknown) => {
      assert.ok(error instanceof DataBridgeError);
      assert.equal(error.code, 'bad_spec');
      assert.doesNotMatch(error.message, /XXXX|127\.0\.0\.1/);
      return true;
    });
  });

  it('a webhook that does not answer in time is connection_failed', async () => {
    webhook.hang = true;
    try {
      await assert.rejects(sendSlackAlert(webhook.url, alert, { timeoutMs: 200 }), (error: unknown) => {
        assert.ok(error instanceof DataBridgeError);
        assert.equal(error.code, 'connection_failed');
        assert.equal(error.message, 'Slack alert failed: no answer in time');
        return true;
      });
    } finally {
      webhook.hang = false;
    }
  });

  it('delivers to every channel and retries a failed send: 500 first, then 200', async () => {
    webhook.answers = [500];
    smtp.rejectNext = [{ code: 451, message: 'Try again later' }];
    const mails = smtp.received.length;
    const posts = webhook.received.length;
    const log: AlertLogEntry[] = [];
    const results = await deliverAlert({
      alert,
      channels: { emails: ['ops@example.com'], slackWebhookUrl: webhook.url },
      smtp: smtp.settings(),
      log: (entry) => log.push(entry),
      retryDelayMs: 10,
    });
    assert.deepEqual(results, [
      { channel: 'email', ok: true, attempts: 2 },
      { channel: 'slack', ok: true, attempts: 2 },
    ]);
    assert.equal(smtp.received.length, mails + 1, 'one email arrived');
    assert.equal(webhook.received.length, posts + 2, 'the webhook was called twice');
    assert.deepEqual(
      log.map((entry) => [entry.level, entry.channel, entry.attempt, entry.executionId]).sort(),
      [
        ['warning', 'email', 1, 'exe_7'],
        ['warning', 'slack', 1, 'exe_7'],
      ],
    );
    assert.match(log.find((e) => e.channel === 'slack')!.message, /answered 500 .*retrying, attempt 1 of 3/);
  });

  it('unreachable receivers do not throw: each channel reports its failure and logs it', async () => {
    const port = await closedPort();
    const log: AlertLogEntry[] = [];
    const results = await deliverAlert({
      alert,
      channels: { emails: ['ops@example.com'], slackWebhookUrl: `http://127.0.0.1:${port}/hook` },
      smtp: smtp.settings({ port }),
      log: (entry) => log.push(entry),
      attempts: 2,
      retryDelayMs: 10,
      timeoutMs: 2_000,
    });
    assert.deepEqual(
      results.map((r) => [r.channel, r.ok, r.attempts]),
      [
        ['email', false, 2],
        ['slack', false, 2],
      ],
    );
    assert.match(results[0]!.error!, /^Email alert to ops@example\.com via 127\.0\.0\.1:\d+ failed: /);
    assert.match(results[1]!.error!, /^Slack alert failed: ECONNREFUSED/);
    assert.deepEqual(log.map((e) => e.level).sort(), ['error', 'error', 'warning', 'warning']);
  });

  it('a permanent failure is not retried, and a missing SMTP setup or a throwing logger does not throw', async () => {
    webhook.answers = [404];
    const results = await deliverAlert({
      alert,
      channels: { emails: ['ops@example.com'], slackWebhookUrl: webhook.url },
      smtp: null,
      log: () => {
        throw new Error('logger is down');
      },
      retryDelayMs: 10,
    });
    assert.deepEqual(
      results.map((r) => [r.channel, r.ok, r.attempts]),
      [
        ['email', false, 1],
        ['slack', false, 1],
      ],
    );
    assert.match(results[0]!.error!, /email alerts need SMTP settings: set SMTP_HOST/);
  });

  it('no channel configured sends nothing', async () => {
    assert.deepEqual(await deliverAlert({ alert, channels: { emails: [] }, smtp: null, log: () => {} }), []);
  });
});
