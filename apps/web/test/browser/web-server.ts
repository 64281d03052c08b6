import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, WEB_DIR } from './web-build.ts';

export interface WebServer {
  readonly url: string;
  /** How it was started: `databridge serve` or `next start`. */
  readonly how: string;
  /** Everything it printed, for a failure message. */
  output(): string;
  stop(): Promise<void>;
}

const CLI = join(REPO, 'apps/cli/bin/databridge.js');

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** True when this checkout's CLI has the `serve` command. */
function cliCanServe(): boolean {
  const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8', timeout: 60_000 });
  return help.status === 0 && /^\s+serve\b/m.test(help.stdout);
}

/**
 * Starts the built web app with the in-process executor and an SQLite store in `dataDir`:
 * `databridge serve` when the CLI has it, else `next start`. Resolves once `/api/health` answers.
 * `more` adds to its environment, e.g. `STAGING_DATABASE_URL` (none by default).
 */
export async function startWebServer(
  dataDir: string,
  more: Readonly<Record<string, string>> = {},
): Promise<WebServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABRIDGE_DATA_DIR: dataDir,
    // The tests' SQLite sources are private copies in the temporary folder (chinookSourceFile).
    DATABRIDGE_SQLITE_DIR: tmpdir(),
    NEXT_TELEMETRY_DISABLED: '1',
    SESSION_SECRET: 'a-browser-test-session-secret-long-enough',
  };
  // The embedded setup: SQLite store, in-process executor, no staging database.
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.STAGING_DATABASE_URL;
  delete env.NODE_OPTIONS;
  Object.assign(env, more);
  const serve = cliCanServe();
  const child: ChildProcess = serve
    ? spawn(process.execPath, [CLI, 'serve', '--port', String(port)], { cwd: dataDir, env })
    : spawn(
        process.execPath,
        [
          createRequire(join(WEB_DIR, 'package.json')).resolve('next/dist/bin/next'),
          'start',
          '-p',
          String(port),
          '-H',
          '127.0.0.1',
        ],
        { cwd: WEB_DIR, env },
      );
  const lines: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  const url = `http://127.0.0.1:${port}`;
  const server: WebServer = {
    url,
    how: serve ? 'databridge serve' : 'next start',
    output: () => lines.join(''),
    async stop() {
      if (exited !== undefined) return;
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`the web server exited ${exited}:\n${server.output()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await server.stop();
  throw new Error(`the web server did not answer within 2 minutes:\n${server.output()}`);
}
