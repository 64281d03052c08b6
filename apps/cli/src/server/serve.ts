import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import {
  CLIENT_ADDRESS_STAMPED_ENV,
  InProcessExecutor,
  openCheckedArtefactStore,
  openServiceContext,
  readServerEnv,
  runScheduler,
  setServiceContext,
  stampClientAddress,
  trustedProxyList,
} from '@databridge/queue';
import { Command } from 'commander';
import { wholeNumber } from '../commands/preview.ts';
import { answerMalformedPath } from './request-guard.ts';

// Next.js is loaded by name, not typed by import: its type declarations change the global
// `process.env` type (NODE_ENV required) for every file of the program.
const NEXT = 'next';
type NextFactory = (options: { dev: boolean; dir: string; hostname: string; port: number }) => {
  prepare(): Promise<void>;
  getRequestHandler(): (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  close(): Promise<void>;
};

/** The web app and the executions in one process need more heap than a CLI run's 160 MB ceiling. */
const SERVE_HEAP_MB = 1024;

/**
 * `databridge serve`: the web app (wizard, monitor, API) with the embedded store and the in-process
 * executor, its files in the data folder. With REDIS_URL it only enqueues; `databridge worker`
 * processes execute. Executions a previous in-process server left running are resumed from their
 * checkpoints on start.
 */
export function serveCommand(): Command {
  return new Command('serve')
    .description('start the web app (wizard, live monitor, HTTP API) with the embedded store and executor')
    .exitOverride()
    .option('--port <n>', 'port to listen on', wholeNumber, 3000)
    .option('--hostname <host>', 'address to listen on (0.0.0.0 for every interface)', '127.0.0.1')
    .action(async (opts: { port: number; hostname: string }) => {
      if (getHeapStatistics().heap_size_limit < SERVE_HEAP_MB * 1024 * 1024 * 0.9) {
        process.exitCode = await rerunWithHeap();
        return;
      }
      const env = readServerEnv();
      // Before the build: a wrong key or a missing bucket is one line now, not a failed upload later.
      const artefacts = await openCheckedArtefactStore(env);
      const webDir = dirname(createRequire(import.meta.url).resolve('@databridge/web/package.json'));
      buildWebIfStale(webDir);
      // The app's route handlers read the same environment (and share this process's context).
      process.env.DATABRIDGE_DATA_DIR = env.dataDir;
      const context = await openServiceContext(env, { artefacts });
      setServiceContext(context);
      if (context.executor instanceof InProcessExecutor) {
        const resumed = await context.executor.recoverInterrupted();
        if (resumed.length > 0) process.stdout.write(`resuming ${resumed.length} interrupted execution(s)\n`);
      }
      // The scheduler loop ticks in this process (with Redis, BullMQ workers run what it starts).
      const scheduling = new AbortController();
      const scheduler = runScheduler(context, {
        signal: scheduling.signal,
        onError: (error) => process.stderr.write(`scheduler: ${(error as Error).message}\n`),
      });
      const { default: next } = (await import(NEXT)) as { default: NextFactory };
      const app = next({ dev: false, dir: webDir, hostname: opts.hostname, port: opts.port });
      await app.prepare();
      const handle = app.getRequestHandler();
      // Route handlers have no socket: the client's address travels in a header only this server sets.
      const trusted = trustedProxyList(env.trustedProxies);
      process.env[CLIENT_ADDRESS_STAMPED_ENV] = '1';
      const server = createServer((request, response) => {
        if (answerMalformedPath(request, response)) return;
        stampClientAddress(request, trusted);
        void handle(request, response);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(opts.port, opts.hostname, resolve);
      });
      const where = `http://${opts.hostname === '0.0.0.0' ? 'localhost' : opts.hostname}:${opts.port}`;
      process.stdout.write(
        `DataBridge is serving on ${where}\n  metadata: ${context.store.location}\n  executor: ${context.executor.kind}\n  artefacts: ${artefacts.description}\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', () => resolve());
        process.once('SIGINT', () => resolve());
      });
      process.stdout.write(
        `stopping: running tasks stop at their next batch boundary, or in ${env.shutdownGraceMs / 1000} s are ended and left interrupted\n`,
      );
      server.close();
      server.closeAllConnections();
      scheduling.abort();
      await scheduler;
      await context.close();
      await app.close();
    });
}

/** Runs this same command in a child with a larger heap, passing signals through; returns its exit code. */
function rerunWithHeap(): Promise<number> {
  const flags = process.execArgv.filter((a) => !a.startsWith('--max-old-space-size'));
  const child = spawn(
    process.execPath,
    [...flags, `--max-old-space-size=${SERVE_HEAP_MB}`, process.argv[1]!, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

/** Builds the web app when it has no build or its sources changed since; the first start takes a minute. */
function buildWebIfStale(webDir: string): void {
  const buildId = join(webDir, '.next', 'BUILD_ID');
  const built = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  const packages = join(webDir, '../../packages');
  const sources = [
    join(webDir, 'app'),
    join(webDir, 'lib'),
    ...readdirSync(packages).map((p) => join(packages, p, 'src')),
  ];
  if (built >= Math.max(...sources.map(newest))) return;
  process.stdout.write('building the web app (after an install or an update; about a minute)...\n');
  const nextBin = createRequire(join(webDir, 'package.json')).resolve('next/dist/bin/next');
  const result = spawnSync(process.execPath, [nextBin, 'build'], {
    cwd: webDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0)
    throw new Error(`building the web app failed (next build exited ${result.status})`);
}

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}
