import assert from 'node:assert/strict';
import { it } from 'node:test';

// The proxy is Next.js middleware: loaded by path so the test build keeps Next.js's types out.
const PROXY = '../proxy.ts';

it('sends Strict-Transport-Security over HTTPS (direct or behind a proxy that says so), never over plain HTTP', async () => {
  const { proxy } = (await import(PROXY)) as { proxy: (request: unknown) => Response };
  const { NextRequest } = (await import('next/server.js')) as {
    NextRequest: new (url: string, init?: RequestInit) => unknown;
  };
  const hsts = (url: string, headers: Record<string, string> = {}) =>
    proxy(new NextRequest(url, { headers })).headers.get('strict-transport-security');
  assert.equal(hsts('https://databridge.example.com/projects'), 'max-age=31536000; includeSubDomains');
  assert.equal(
    hsts('http://127.0.0.1:3000/api/health', { 'x-forwarded-proto': 'https' }),
    'max-age=31536000; includeSubDomains',
  );
  assert.equal(hsts('http://127.0.0.1:3000/api/health'), null);
  assert.equal(hsts('http://127.0.0.1:3000/', { 'x-forwarded-proto': 'http' }), null);
});
