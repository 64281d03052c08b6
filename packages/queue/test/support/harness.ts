import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecFile } from '@databridge/engine';
import { createConnection, createProject, openStore, type Project, type Store } from '@databridge/store';
import { CHINOOK_SQLITE } from '../../../engine/test/support/chinook.ts';
import { freshPostgres, type TestDatabase } from '../../../engine/test/support/databases.ts';
import { BullmqExecutor } from '../../src/executor/bullmq-executor.ts';
import type { Executor } from '../../src/executor/executor.ts';
import { InProcessExecutor } from '../../src/executor/in-process-executor.ts';
import type { RunDeps } from '../../src/run/open-execution-session.ts';

export const REDIS_URL = process.env.DATABRIDGE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const SECRET = 'a-test-session-secret-that-is-long-enough';
export const EXAMPLES = join(import.meta.dirname, '../../../../examples');

export type StoreKind = 'sqlite' | 'postgres';
export type ExecutorKind = 'in-process' | 'bullmq';

export interface Harness {
  readonly store: Store;
  readonly executor: Executor;
  readonly reportsDir: string;
  readonly dir: string;
  close(): Promise<void>;
}

/**
 * A metadata store (SQLite file or fresh PostgreSQL database) and an executor (in-process, or BullMQ
 * on the real Redis with a fresh key prefix and a worker in this process) for one test.
 */
export async function openHarness(
  storeKind: StoreKind,
  executorKind: ExecutorKind,
  /** More of what executions run with, e.g. a staging database, a shorter grace for statements in flight. */
  more: Pick<RunDeps, 'staging' | 'stopGraceMs'> = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'databridge-queue-'));
  let metaDb: TestDatabase | undefined;
  if (storeKind === 'postgres') metaDb = await freshPostgres();
  const store = await openStore({ databaseUrl: metaDb?.url, dataDir: dir, sessionSecret: SECRET });
  const reportsDir = join(dir, 'reports');
  const deps = { store, reportsDir, ...more };
  let executor: Executor;
  if (executorKind === 'in-process') {
    executor = new InProcessExecutor(deps);
  } else {
    const bull = new BullmqExecutor(deps, {
      redisUrl: REDIS_URL,
      prefix: `dbtest-${randomBytes(4).toString('hex')}`,
      lockDurationMs: 5000,
      stalledIntervalMs: 2000,
    });
    bull.startWorker();
    executor = bull;
  }
  return {
    store,
    executor,
    reportsDir,
    dir,
    async close() {
      await executor.close();
      await store.close();
      await metaDb?.drop();
    },
  };
}

/** The demo's spec (Chinook, 11 tables, transformations, one source into two targets) into `targetUrl`. */
export async function chinookProject(
  store: Store,
  dir: string,
  targetUrl: string,
  pipeline: Record<string, unknown> = {},
): Promise<Project> {
  const sourceFile = join(dir, `chinook-${randomBytes(3).toString('hex')}.sqlite`);
  copyFileSync(CHINOOK_SQLITE, sourceFile);
  const { spec } = loadSpecFile(join(EXAMPLES, 'demo-chinook-sqlite.yaml'), {
    DATABRIDGE_DEMO_SOURCE: sourceFile,
    DATABRIDGE_DEMO_TARGET: join(dir, 'unused.sqlite'),
  });
  return projectFor(store, `sqlite:${sourceFile}`, targetUrl, {
    ...spec,
    pipeline: { ...spec.pipeline, ...pipeline },
  });
}

export async function projectFor(
  store: Store,
  sourceUrl: string,
  targetUrl: string,
  spec: object,
): Promise<Project> {
  const tag = randomBytes(3).toString('hex');
  const source = await createConnection(store, { name: `source-${tag}`, url: sourceUrl });
  const target = await createConnection(store, { name: `target-${tag}`, url: targetUrl });
  return createProject(store, {
    name: `project-${tag}`,
    sourceConnectionId: source.id,
    targetConnectionId: target.id,
    spec: { ...spec, source: { url: sourceUrl }, target: { url: targetUrl } },
  });
}

/** Every combination the contract tests run on. */
export const COMBINATIONS: readonly (readonly [StoreKind, ExecutorKind])[] = [
  ['sqlite', 'in-process'],
  ['postgres', 'in-process'],
  ['sqlite', 'bullmq'],
  ['postgres', 'bullmq'],
];

/** Polls until `check` is true (or fails after `timeoutMs`). */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** One mapping per table, each copying its `id` and `name` columns to a table of the same name. */
export function idNameMappings(tables: readonly string[]) {
  return tables.map((table) => ({
    source: table,
    target: table,
    columns: [
      { source: 'id', target: 'id' },
      { source: 'name', target: 'name' },
    ],
  }));
}
