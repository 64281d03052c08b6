import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DataBridgeError } from '@databridge/engine';
import { type Alert, deliverAlert, isInternalAddress, sendSlackAlert } from '../src/alerts/index.ts';
import { refuseInternalAddresses } from '../src/alerts/webhook-address.ts';
import { postJson } from '../src/alerts/webhook-post.ts';

const alert: Alert = {
  kind: 'failure',
  projectId: 'prj_1',
  projectName: 'orders',
  executionId: 'exe_1',
  startedAt: new Date('2026-01-01T00:00:00Z'),
  at: new Date('2026-01-01T00:05:00Z'),
  error: 'boom',
  baseUrl: 'https://databridge.example.com',
};

/** A real HTTP server on 127.0.0.1 standing in for an internal service a webhook must not reach. */
describe('alert webhooks and internal addresses', () => {
  let server: Server;
  let hits = 0;
  let port = 0;
  const saved = process.env.DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS;

  before(async () => {
    delete process.env.DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS;
    server = createServer((request, response) => {
      hits += 1;
      if (request.url === '/redirect') {
        response.writeHead(302, { location: `http://127.0.0.1:${port}/secret` });
        response.end();
        return;
      }
      response.writeHead(403, { 'content-type': 'text/plain' });
      response.end('INTERNAL-ADMIN-PAGE root:x:0:0');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    if (saved === undefined) delete process.env.DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS;
    else process.env.DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS = saved;
    server.close();
  });

  it('refuses loopback, private, link-local and metadata addresses by IP and by host name, without calling them', async () => {
    for (const url of [
      `http://127.0.0.1:${port}/hook`,
      `http://localhost:${port}/hook`,
      `http://[::1]:${port}/hook`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/hook',
      'http://192.168.0.10/hook',
      'http://[::ffff:127.0.0.1]/hook',
    ]) {
      await assert.rejects(sendSlackAlert(url, alert, { timeoutMs: 2000 }), (error: unknown) => {
        assert.ok(error instanceof DataBridgeError, url);
        assert.equal(error.code, 'bad_spec', url);
        assert.match(error.message, /loopback, private or link-local address/);
        assert.match(error.message, /DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS=1/);
        assert.doesNotMatch(error.message, /127\.0\.0\.1|localhost|169\.254|\/hook|meta-data/);
        return true;
      });
    }
    assert.equal(hits, 0, 'no internal server was called');
    assert.equal(isInternalAddress('8.8.8.8'), false);
    assert.equal(isInternalAddress('2606:4700:4700::1111'), false);
  });

  // IPv6 forms that carry an IPv4 address reach it through a translator (NAT64, SIIT, 6to4) on
  // networks that have one: an internal address inside them is as internal; a public one stays public.
  it('refuses an internal IPv4 address carried inside an IPv6 one (NAT64, SIIT, compatible, 6to4)', async () => {
    for (const url of [
      'http://[64:ff9b::169.254.169.254]/latest/meta-data/',
      'http://[64:ff9b::7f00:1]/hook',
      'http://[64:ff9b:1::a00:1]/hook',
      'http://[::ffff:0:7f00:1]/hook',
      'http://[::127.0.0.1]/hook',
      'http://[2002:c0a8:1::1]/hook',
      'http://[fec0::1]/hook',
    ]) {
      await assert.rejects(
        sendSlackAlert(url, alert, { timeoutMs: 2000 }),
        /loopback, private or link-local/,
        url,
      );
    }
    assert.equal(isInternalAddress('64:ff9b::808:808'), false, 'NAT64 of a public address');
    assert.equal(isInternalAddress('2002:808:808::1'), false, '6to4 of a public address');
  });

  it('checks the addresses again as it connects, so a name that changes its answer after the check gains nothing', async () => {
    // What a rebinding name does on its second resolution: here localhost, checked only at connect.
    await assert.rejects(
      postJson(`http://localhost:${port}/hook`, '{}', {
        signal: AbortSignal.timeout(2000),
        checkAddress: refuseInternalAddresses,
      }),
      (error: unknown) => error instanceof DataBridgeError && error.code === 'bad_spec',
    );
    assert.equal(hits, 0, 'the connection was never made');
  });

  it('when allowed, calls the internal hook but never repeats its answer nor follows its redirect', async () => {
    process.env.DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS = '1';
    try {
      const log: string[] = [];
      const results = await deliverAlert({
        alert,
        channels: { slackWebhookUrl: `http://127.0.0.1:${port}/hook` },
        smtp: null,
        log: (entry) => log.push(entry.message),
        attempts: 1,
      });
      assert.equal(results[0]?.ok, false);
      assert.equal(results[0]?.error, 'Slack alert failed: the webhook answered 403');
      assert.doesNotMatch(JSON.stringify([results, log]), /INTERNAL-ADMIN-PAGE|root:x/);
      const before = hits;
      await assert.rejects(
        sendSlackAlert(`http://127.0.0.1:${port}/redirect`, alert),
        /answered 302 \(a redirect, not followed\)/,
      );
      assert.equal(hits, before + 1, 'the redirect target was not requested');
    } finally {
      delete process.env.DATABRIDGE_ALLOW_PRIVATE_WEBHOOKS;
    }
  });
});
