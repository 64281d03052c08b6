import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type ArtefactStore,
  LocalFolderStore,
  readObjectStoreConfig,
  S3ArtefactStore,
} from '@databridge/engine';
import {
  getArtefactStoreHealth,
  getServiceContext,
  type ServiceContext,
  setServiceContext,
} from '@databridge/queue';
import { createExecution, type Store, updateExecution } from '@databridge/store';
import {
  S3RVER_KEY,
  startObjectStore,
  type TestObjectStore,
} from '../../../packages/engine/test/support/object-store.ts';
import { projectFor } from '../../../packages/queue/test/support/harness.ts';
import * as artefactsRoute from '../app/api/executions/[id]/artefacts/route.ts';
import * as reportRoute from '../app/api/executions/[id]/report/route.ts';
import { type ApiWorld, apiKeyFor, openApiWorld } from './support.ts';

type Handler = (request: Request, route: { params: Promise<{ id: string }> }) => Promise<Response>;

let s3: TestObjectStore;
before(async () => {
  s3 = await startObjectStore();
});
after(() => s3.close());

/** An ended execution whose artefacts are in `artefacts`, as a worker anywhere would have left them. */
async function endedExecution(store: Store, artefacts: ArtefactStore): Promise<string> {
  const project = await projectFor(store, 'sqlite:/nowhere/a.sqlite', 'sqlite:/nowhere/b.sqlite', {
    mappings: [{ source: 'people', target: 'people', columns: [{ source: 'id', target: 'id' }] }],
  });
  const { id } = await createExecution(store, { projectId: project.id });
  await updateExecution(store, id, { status: 'running' });
  const summary = { runId: id, report: { json: '/etc/passwd', html: '/etc/passwd' }, tables: [] };
  await updateExecution(store, id, { status: 'completed', endedAt: new Date(), summary: summary as never });
  await artefacts.put(
    `${id}/report.json`,
    JSON.stringify({ ...summary, specName: 'x', stages: [], totals: {} }),
  );
  await artefacts.put(`${id}/run.log`, '{"message":"stage extract running"}\n');
  await artefacts.put(`${id}/rejects/m1-main.people.jsonl.gz`, Buffer.from([0x1f, 0x8b, 8, 0]));
  return id;
}

const kinds: [string, (reportsDir: string) => ArtefactStore][] = [
  ['local folder', (reportsDir) => new LocalFolderStore(reportsDir)],
  [
    'object store',
    () =>
      new S3ArtefactStore(
        readObjectStoreConfig({
          SAP_OBJECT_STORE_URL: `${s3.url}/web`,
          SAP_OBJECT_STORE_API_KEY: S3RVER_KEY,
        })!,
      ),
  ],
];

for (const [kind, open] of kinds) {
  describe(`artefact routes (${kind})`, () => {
    let world: ApiWorld;
    let viewerKey: string;
    let executionId: string;
    let otherId: string;

    async function get(handler: Handler, id: string, query = '', key: string | null = viewerKey) {
      const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
      const response = await handler(
        new Request(`http://localhost/api/executions/${encodeURIComponent(id)}/artefacts${query}`, {
          headers,
        }),
        { params: Promise.resolve({ id }) },
      );
      return { status: response.status, headers: response.headers, text: await response.text() };
    }

    before(async () => {
      world = await openApiWorld('sqlite');
      const context = await getServiceContext();
      const artefacts = open(context.reportsDir);
      setServiceContext({ ...context, artefacts } as ServiceContext);
      viewerKey = await apiKeyFor(world.store, 'viewer');
      executionId = await endedExecution(world.store, artefacts);
      otherId = await endedExecution(world.store, artefacts);
      await artefacts.put(`${otherId}/secret.txt`, 'not this execution’s');
    });
    after(() => world.close());

    it('a viewer lists every artefact of the execution with its size, and downloads each', async () => {
      const listed = await get(artefactsRoute.GET, executionId);
      assert.equal(listed.status, 200, listed.text);
      const { data } = JSON.parse(listed.text);
      assert.deepEqual(
        data.artefacts.map((a: { name: string; size: number }) => [a.name, a.size]),
        [
          ['rejects/m1-main.people.jsonl.gz', 4],
          ['report.json', data.artefacts[1].size],
          ['run.log', 36],
        ],
      );
      assert.equal(data.pending, null);
      const log = await get(artefactsRoute.GET, executionId, '?name=run.log');
      assert.equal(log.status, 200);
      assert.equal(log.text, '{"message":"stage extract running"}\n');
      assert.match(log.headers.get('content-disposition') ?? '', /^attachment; filename="run.log"$/);
      assert.equal(log.headers.get('content-length'), '36');
      const rejects = await get(artefactsRoute.GET, executionId, '?name=rejects%2Fm1-main.people.jsonl.gz');
      assert.equal(rejects.status, 200);
      assert.equal(rejects.headers.get('content-type'), 'application/gzip');
    });

    it('extracted rows download with the run permission only: a viewer sees their names and is told why not', async () => {
      const context = await getServiceContext();
      const archived = await endedExecution(world.store, context.artefacts!);
      await context.artefacts!.put(`${archived}/extracts/manifest.json`, '{"parts":[]}');
      const listed = JSON.parse((await get(artefactsRoute.GET, archived)).text);
      assert.ok(listed.data.artefacts.some((a: { name: string }) => a.name === 'extracts/manifest.json'));
      const refused = await get(artefactsRoute.GET, archived, '?name=extracts%2Fmanifest.json');
      assert.equal(refused.status, 403, refused.text);
      assert.match(
        JSON.parse(refused.text).error.message,
        /viewer role may not download .*need the run permission/,
      );
      const operatorKey = await apiKeyFor(world.store, 'operator');
      const allowed = await get(artefactsRoute.GET, archived, '?name=extracts%2Fmanifest.json', operatorKey);
      assert.equal(allowed.status, 200, allowed.text);
      assert.equal(allowed.text, '{"parts":[]}');
    });

    it('the report route reads the run’s own report through the store, never the path in its summary', async () => {
      const reply = await get(reportRoute.GET as Handler, executionId, '?format=json');
      assert.equal(reply.status, 200, reply.text);
      assert.equal(JSON.parse(reply.text).runId, executionId);
      assert.doesNotMatch(reply.text, /root:/);
    });

    it('a report.json that is not a report (cut short, an older version) is a sentence, not a 500', async () => {
      const context = await getServiceContext();
      for (const body of ['{"runId": "cut sh', '{}', 'null']) {
        const id = await endedExecution(world.store, context.artefacts!);
        await context.artefacts!.put(`${id}/report.json`, body);
        const reply = await get(reportRoute.GET as Handler, id);
        assert.equal(reply.status, 409, `${body}: ${reply.text}`);
        assert.equal(
          JSON.parse(reply.text).error.message,
          `The report of execution ${id} cannot be shown: its report.json is not a report this version of DataBridge can read. Download report.json from the execution's artefacts to look at it.`,
        );
        // What is stored is still there to download as it is.
        assert.equal((await get(reportRoute.GET as Handler, id, '?format=json')).text, body);
      }
    });

    it('names that climb out of the execution, and ids that are not one, are refused', async () => {
      const names = [
        `../${otherId}/secret.txt`,
        `..%2F${otherId}%2Fsecret.txt`,
        `rejects/../../${otherId}/secret.txt`,
        `extracts/../../${otherId}/secret.txt`,
        `extracts%2Fm1-people%2F..%2F..%2F..%2F${otherId}%2Fsecret.txt`,
        `extracts/m1-people/%2e%2e/%2e%2e/%2e%2e/${otherId}/secret.txt`,
        '/etc/passwd',
        '%2Fetc%2Fpasswd',
        '../../session-secret',
        '..',
        'a//b',
        'run.log%00.txt',
        '.',
      ];
      for (const name of names) {
        const reply = await get(artefactsRoute.GET, executionId, `?name=${name}`);
        assert.equal(reply.status, 400, `${name}: ${reply.text}`);
        assert.doesNotMatch(reply.text, /not this execution|root:/);
      }
      const empty = await get(artefactsRoute.GET, executionId, '?name=');
      assert.equal(empty.status, 400);
      // Another execution's file by its plain name: not this execution's artefact.
      assert.equal((await get(artefactsRoute.GET, executionId, '?name=secret.txt')).status, 404);
      for (const id of ['..', `../${otherId}`, `${otherId}/..`, '%2e%2e', 'no-such-execution']) {
        const reply = await get(artefactsRoute.GET, id, '?name=secret.txt');
        assert.ok([400, 404].includes(reply.status), `${id}: ${reply.status}`);
        assert.doesNotMatch(reply.text, /not this execution/);
        const list = await get(artefactsRoute.GET, id);
        assert.ok([400, 404].includes(list.status), `${id}: ${list.status}`);
      }
    });

    it('without credentials: 401, nothing listed', async () => {
      const reply = await get(artefactsRoute.GET, executionId, '', null);
      assert.equal(reply.status, 401);
      assert.doesNotMatch(reply.text, /run\.log/);
    });
  });
}

describe('artefact routes (object store with presigned downloads)', () => {
  let world: ApiWorld;
  let viewerKey: string;
  let executionId: string;

  async function get(id: string, query: string) {
    const response = await artefactsRoute.GET(
      new Request(`http://localhost/api/executions/${id}/artefacts${query}`, {
        headers: { authorization: `Bearer ${viewerKey}` },
      }),
      { params: Promise.resolve({ id }) },
    );
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
    };
  }

  before(async () => {
    world = await openApiWorld('sqlite');
    const context = await getServiceContext();
    const config = readObjectStoreConfig({
      SAP_OBJECT_STORE_URL: `${s3.url}/signed`,
      SAP_OBJECT_STORE_API_KEY: S3RVER_KEY,
      SAP_OBJECT_STORE_PRESIGN_SECONDS: '60',
    })!;
    const artefacts = new S3ArtefactStore(config);
    setServiceContext({ ...context, artefacts } as ServiceContext);
    viewerKey = await apiKeyFor(world.store, 'viewer');
    executionId = await endedExecution(world.store, artefacts);
  });
  after(() => world.close());

  it('a download redirects (303) to a URL of the store valid 60 s, which serves the bytes', async () => {
    const reply = await get(executionId, '?name=run.log');
    assert.equal(reply.status, 303, reply.text);
    assert.ok(reply.location?.startsWith(`${s3.url}/signed/${executionId}/run.log?`), reply.location ?? '');
    assert.match(reply.location ?? '', /X-Amz-Expires=60/);
    assert.doesNotMatch(reply.location ?? '', /S3RVER(&|$)|Secret/i);
    const bytes = await fetch(reply.location!);
    assert.equal(bytes.status, 200);
    assert.equal(await bytes.text(), '{"message":"stage extract running"}\n');
  });

  it('nothing is signed for a name outside the execution or an object that is not there', async () => {
    assert.equal((await get(executionId, `?name=..%2F..%2Fx`)).status, 400);
    const absent = await get(executionId, '?name=nothing.json');
    assert.equal(absent.status, 404);
    assert.equal(absent.location, null);
  });
});

/**
 * `databridge serve` opens the store in the CLI's bundle and hands it to the web app's bundle, each
 * with its own copy of the engine: the store's errors are not instances of the routes' class. This
 * wraps a store so that it throws what the other copy's class would (same name, code and words).
 */
function fromAnotherCopy(store: ArtefactStore): ArtefactStore {
  class ArtefactStoreError extends Error {
    override readonly name = 'ArtefactStoreError';
    constructor(
      readonly code: string,
      message: string,
    ) {
      super(message);
    }
    get isTransient(): boolean {
      return this.code === 'unreachable' || this.code === 'failed';
    }
  }
  return new Proxy(store, {
    get(target, key) {
      const value = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          const { code, message } = error as { code: string; message: string };
          throw new ArtefactStoreError(code, message);
        }
      };
    },
  });
}

const copies: [string, (store: ArtefactStore) => ArtefactStore][] = [
  ['', (store) => store],
  [', its errors from another copy of the engine as under databridge serve', fromAnotherCopy],
];

for (const [copy, wrap] of copies) {
  describe(`artefact routes (object store down${copy})`, () => {
    let world: ApiWorld;
    let viewerKey: string;
    let executionId: string;

    before(async () => {
      world = await openApiWorld('sqlite');
      const context = await getServiceContext();
      const artefacts = wrap(
        new S3ArtefactStore(
          readObjectStoreConfig({
            SAP_OBJECT_STORE_URL: `${s3.url}/down`,
            SAP_OBJECT_STORE_API_KEY: S3RVER_KEY,
          })!,
        ),
      );
      setServiceContext({ ...context, artefacts } as ServiceContext);
      viewerKey = await apiKeyFor(world.store, 'viewer');
      executionId = await endedExecution(world.store, artefacts);
    });
    after(() => world.close());

    it('a viewer is told the store does not answer, without its address or bucket (the admin page has them)', async () => {
      await s3.stop();
      try {
        for (const query of ['', '?name=run.log']) {
          const response = await artefactsRoute.GET(
            new Request(`http://localhost/api/executions/${executionId}/artefacts${query}`, {
              headers: { authorization: `Bearer ${viewerKey}` },
            }),
            { params: Promise.resolve({ id: executionId }) },
          );
          const text = await response.text();
          assert.equal(response.status, 503, text);
          assert.equal(
            JSON.parse(text).error.message,
            'The object store cannot be read now (it did not answer): try again in a while; an admin finds why on the admin page.',
          );
        }
        // The admin page has the store's own sentence, with its address.
        const health = await getArtefactStoreHealth(await getServiceContext());
        assert.match(health.problem ?? '', /^The object store at http:\/\/127\.0\.0\.1:\d+ did not answer/);
      } finally {
        await s3.start();
      }
    });
  });
}
