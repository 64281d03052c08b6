import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { getServiceContext, SESSION_COOKIE, startSession } from '@databridge/queue';
import { createConnection, createExecution, createProject, createUser } from '@databridge/store';
import { answerMalformedPath } from '../../cli/src/server/request-guard.ts';
import { apiRoutes, type RouteMethod } from './route-files.ts';
import { type ApiWorld, apiKeyFor, openApiWorld } from './support.ts';

const MB = 1024 * 1024;
const LONE = '\uD800';
const NUL = '\u0000';

/** Bodies a careless or hostile client sends: none of them may get a 500 or a non-JSON error. */
const BODIES: readonly (readonly [string, string])[] = [
  ['malformed JSON', '{"name": '],
  ['JSON null', 'null'],
  ['a JSON string', '"connections"'],
  ['a JSON number', '42'],
  ['a JSON array', '[1, 2, 3]'],
  [
    'wrong types',
    JSON.stringify({
      name: 42,
      url: ['postgres://x'],
      spec: 'a string',
      projectId: { id: 1 },
      role: true,
      email: 7,
      password: null,
      expiresAt: 'tomorrow',
      disabled: 'yes',
      emails: 'ops@example.com',
      logicalDates: 5,
    }),
  ],
  [
    'lone surrogates in every field',
    JSON.stringify({
      name: `n${LONE}`,
      url: `postgres://u${LONE}:p${LONE}@127.0.0.1:5432/d${LONE}`,
      kind: 'postgres',
      host: '127.0.0.1',
      port: 5432,
      user: `u${LONE}`,
      password: `p${LONE}`,
      database: `d${LONE}`,
      email: `a${LONE}@example.com`,
      projectId: LONE,
      text: `version: 1${LONE}`,
    }),
  ],
  [
    'NUL in every field',
    JSON.stringify({
      name: `n${NUL}`,
      url: `postgres://u:p@127.0.0.1:5432/d${NUL}`,
      kind: 'postgres',
      host: '127.0.0.1',
      user: `u${NUL}`,
      password: `p${NUL}`,
      database: `d${NUL}`,
      email: `a${NUL}@example.com`,
      projectId: NUL,
      text: `name: x${NUL}`,
    }),
  ],
  ['a 2 MB name', JSON.stringify({ name: 'a'.repeat(2 * MB), url: 'postgres://u@127.0.0.1:1/d' })],
  ['a 2 MB array', `[${'0,'.repeat(MB - 1)}0]`],
  ['nesting 5000 deep', `${'['.repeat(5000)}${']'.repeat(5000)}`],
];

/** `[id]` values: unknown, hostile or unstorable. */
const IDS: readonly (readonly [string, string])[] = [
  ['an unknown id', 'no-such-id'],
  ['a NUL', `id${NUL}`],
  ['a lone surrogate', `id${LONE}`],
  ['10,000 characters', 'x'.repeat(10_000)],
  ['a path', '../../../etc/passwd'],
  ['SQL', "x' OR '1'='1"],
];

/** Query strings the GET routes may read. */
const QUERIES = [
  '?limit=-1&cursor=%00&level=nope&format=exe',
  `?schema=${encodeURIComponent(NUL)}&schema=&from=yesterday&to=${encodeURIComponent('2026-99-99')}`,
  // A URL cannot carry a lone surrogate; its bytes arrive as invalid UTF-8.
  '?cursor=%ED%A0%80&actorKind=%C0%AE&targetId=%FF',
  `?limit=${'9'.repeat(400)}&dates=${'x'.repeat(10_000)}`,
];

/** Paths no valid client sends: bad percent-encoding in the `[id]` segment. */
const BAD_ENCODINGS = ['%C0%AE%C0%AE', '%E0%A4%A', '%', '%ZZ', '%ED%A0%80', '%FF%FE'];

describe('fuzz: every API route answers bad input with a 4xx in the JSON error shape', () => {
  let world: ApiWorld;
  let adminKey = '';
  let routes: RouteMethod[] = [];
  const real = new Map<string, string>();

  before(async () => {
    world = await openApiWorld('postgres');
    adminKey = await apiKeyFor(world.store, 'admin', 'fuzz');
    routes = await apiRoutes();
    // Real rows, so GET routes get past "not found" with a hostile query string. The databases do
    // not answer (port 1): anything that would connect gets the 503 a dead database deserves.
    const source = await createConnection(world.store, { name: 'src', url: 'postgres://u@127.0.0.1:1/a' });
    const target = await createConnection(world.store, { name: 'dst', url: 'postgres://u@127.0.0.1:1/b' });
    const project = await createProject(world.store, {
      name: 'fuzz',
      sourceConnectionId: source.id,
      targetConnectionId: target.id,
      spec: {
        source: { url: 'postgres://u@127.0.0.1:1/a' },
        target: { url: 'postgres://u@127.0.0.1:1/b' },
        mappings: [{ source: 'a', target: 'a', columns: [{ source: 'id', target: 'id' }] }],
      },
    });
    real.set('connections', source.id);
    real.set('projects', project.id);
    real.set('executions', (await createExecution(world.store, { projectId: project.id })).id);
  });

  after(async () => {
    await world.close();
  });

  interface Outcome {
    readonly status: number;
    readonly text: string;
    readonly contentType: string;
  }

  async function send(route: RouteMethod, id: string, query: string, body?: string): Promise<Outcome> {
    const headers: Record<string, string> = { authorization: `Bearer ${adminKey}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const abort = new AbortController();
    const response = await route.handler(
      new Request(`http://localhost${route.path.replace('[id]', 'x')}${query}`, {
        method: route.method,
        headers,
        body: route.method === 'GET' ? undefined : body,
        signal: abort.signal,
      }),
      { params: Promise.resolve({ id }) },
    );
    const contentType = response.headers.get('content-type') ?? '';
    // A live stream (a pending execution's events) never ends on its own: its status is enough.
    if (contentType.startsWith('text/event-stream')) {
      abort.abort();
      await response.body?.cancel();
      return { status: response.status, text: '', contentType };
    }
    return { status: response.status, text: await response.text(), contentType };
  }

  const ZOD_ENGLISH =
    /Invalid input|Invalid option|Too small|Too big|expected \w+, received|Unrecognized key/;

  /** A problem with an answer, or null: no 500, and every error is `{ success: false, error: { code, message, field? } }`. */
  function problem(outcome: Outcome): string | null {
    if (outcome.status >= 500 && outcome.status !== 503)
      return `${outcome.status}: ${outcome.text.slice(0, 200)}`;
    if (outcome.status < 400) return null;
    try {
      const json = JSON.parse(outcome.text) as {
        success?: unknown;
        error?: { code?: unknown; message?: unknown; field?: unknown };
      };
      if (
        json.success !== false ||
        typeof json.error?.code !== 'string' ||
        typeof json.error.message !== 'string'
      ) {
        return `${outcome.status} not in the error shape: ${outcome.text.slice(0, 200)}`;
      }
      if (/\n\s+at /.test(json.error.message)) return `${outcome.status} with a stack trace`;
      // Messages are for people: never zod's own English (the code and field are for programs).
      if (ZOD_ENGLISH.test(json.error.message))
        return `${outcome.status} in zod's words: ${json.error.message}`;
      if (json.error.field !== undefined && typeof json.error.field !== 'string')
        return `${outcome.status} with a field that is not a path: ${outcome.text.slice(0, 200)}`;
      return null;
    } catch {
      return `${outcome.status} not JSON (${outcome.contentType}): ${outcome.text.slice(0, 200)}`;
    }
  }

  it('malformed JSON, wrong types, 2 MB bodies, NUL, lone surrogates, hostile ids and query strings: zero 500s', async () => {
    const violations: string[] = [];
    let cases = 0;
    const statuses = new Map<number, number>();
    const record = (name: string, outcome: Outcome) => {
      cases += 1;
      statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
      const found = problem(outcome);
      if (found) violations.push(`${name}: ${found}`);
    };
    for (const route of routes) {
      const hasId = route.path.includes('[id]');
      const area = route.path.split('/')[2]!;
      const realId = real.get(area) ?? 'no-such-id';
      const mutating = route.method !== 'GET';
      if (mutating) {
        for (const [label, body] of BODIES) {
          record(`${route.name} with ${label}`, await send(route, 'no-such-id', '', body));
        }
      }
      if (hasId) {
        for (const [label, id] of IDS) {
          record(`${route.name} with ${label} as id`, await send(route, id, '', mutating ? '{}' : undefined));
        }
      }
      if (!mutating) {
        // Reads are safe on a real row: the hostile query strings then reach the code that reads them.
        for (const query of QUERIES) {
          record(`${route.name}${query.slice(0, 40)}`, await send(route, hasId ? realId : '', query));
        }
      }
    }
    console.log(
      `route fuzz: ${routes.length} route methods, ${cases} cases, ${violations.length} violations; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    assert.ok(cases >= 400, `${cases} cases`);
    assert.deepEqual(violations, [], `${violations.length} violation(s) in ${cases} cases`);
  });

  it('every state-changing route found on disk refuses a cross-site browser call (403) and a non-JSON body (415)', async () => {
    const context = await getServiceContext();
    const admin = await createUser(world.store, {
      email: 'fuzz-admin@example.com',
      name: 'fuzz admin',
      password: 'a long enough password',
      role: 'admin',
    });
    const cookie = `${SESSION_COOKIE}=${await startSession(context, admin)}`;
    const violations: string[] = [];
    let cases = 0;
    const mutating = routes.filter((r) => r.method !== 'GET');
    for (const route of mutating) {
      for (const [label, headers, expected] of [
        [
          'Origin of another site',
          { cookie, origin: 'http://evil.example', 'content-type': 'application/json' },
          403,
        ],
        [
          'Sec-Fetch-Site cross-site',
          { cookie, 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
          403,
        ],
        ['a text/plain body', { cookie, 'content-type': 'text/plain' }, 415],
        ['a form body', { cookie, 'content-type': 'application/x-www-form-urlencoded' }, 415],
      ] as const) {
        cases += 1;
        const response = await route.handler(
          new Request(`http://localhost${route.path.replace('[id]', 'no-such-id')}`, {
            method: route.method,
            headers,
            body: '{}',
          }),
          { params: Promise.resolve({ id: 'no-such-id' }) },
        );
        const outcome = {
          status: response.status,
          text: await response.text(),
          contentType: response.headers.get('content-type') ?? '',
        };
        if (outcome.status !== expected || problem(outcome))
          violations.push(`${route.name} with ${label}: ${outcome.status}, expected ${expected}`);
      }
    }
    console.log(
      `cross-site: ${mutating.length} state-changing route methods, ${cases} cases, ${violations.length} violations`,
    );
    assert.ok(mutating.length >= 25, `${mutating.length} state-changing routes`);
    assert.deepEqual(violations, []);
  });

  it('a path with bad percent-encoding in [id] is a JSON 400 from the server in front of Next.js, on every [id] route', async () => {
    // The same guard `databridge serve` puts before Next.js, in front of a real HTTP server.
    const server = createServer((request, response) => {
      if (answerMalformedPath(request, response)) return;
      response.writeHead(418);
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const violations: string[] = [];
    let cases = 0;
    try {
      const withId = routes.filter((r) => r.path.includes('[id]'));
      for (const route of withId) {
        for (const bad of BAD_ENCODINGS) {
          cases += 1;
          const response = await fetch(`${base}${route.path.replace('[id]', bad)}`, {
            method: route.method,
            headers: { authorization: `Bearer ${adminKey}` },
          });
          const outcome = {
            status: response.status,
            text: await response.text(),
            contentType: response.headers.get('content-type') ?? '',
          };
          if (outcome.status !== 400 || problem(outcome))
            violations.push(
              `${route.method} ${route.path} with ${bad}: ${outcome.status} ${outcome.text.slice(0, 120)}`,
            );
        }
        // A well-encoded id passes through to the app.
        const fine = await fetch(`${base}${route.path.replace('[id]', encodeURIComponent('é/ü'))}`, {
          method: route.method,
        });
        await fine.body?.cancel();
        if (fine.status !== 418) violations.push(`${route.name} with a good id: ${fine.status}`);
      }
      console.log(
        `percent-encoding: ${withId.length} [id] route methods, ${cases} cases, ${violations.length} violations`,
      );
      assert.ok(withId.length >= 24, `${withId.length} [id] routes`);
    } finally {
      server.close();
    }
    assert.deepEqual(violations, []);
  });
});
