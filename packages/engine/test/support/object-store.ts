/// <reference path="./s3rver.d.ts" />
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

/** s3rver's one account: the keys the SDK must sign with. */
export const S3RVER_KEY = 'S3RVER:S3RVER';

export interface TestObjectStore {
  /** `http://127.0.0.1:<port>/<bucket>`, path-style, as SAP_OBJECT_STORE_URL takes it. */
  readonly url: string;
  readonly bucket: string;
  readonly port: number;
  /** `METHOD /path?query` of every request the server received, oldest first. */
  requests(): string[];
  /** Stops the server, keeping its folder (start() again serves the same objects on the same port). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
}

/** A free port the system hands out (a random one may be one fetch refuses). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A real S3-protocol server (s3rver) on loopback with one bucket, its objects in a temp folder. */
export async function startObjectStore(bucket = 'artefacts'): Promise<TestObjectStore> {
  const directory = mkdtempSync(join(tmpdir(), 'databridge-s3-'));
  const port = await freePort();
  let server: S3rver | undefined;
  const seen: string[] = [];
  const start = async () => {
    server = new S3rver({
      address: '127.0.0.1',
      port,
      directory,
      silent: true,
      configureBuckets: [{ name: bucket }],
    });
    await server.run();
    server.httpServer?.on('request', (request: { method?: string; url?: string }) =>
      seen.push(`${request.method} ${request.url}`),
    );
  };
  const stop = async () => {
    const running = server;
    server = undefined;
    if (!running) return;
    running.httpServer?.closeAllConnections();
    await running.close();
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}/${bucket}`,
    bucket,
    port,
    requests: () => [...seen],
    start,
    stop,
    async close() {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
