import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  claimScheduledRun,
  createConnection,
  createProject,
  getExecutionLogicalDate,
  listExecutions,
  listScheduledRuns,
  openStore,
  type Project,
  type Store,
  type StoreOptions,
} from '@databridge/store';
import Database from 'better-sqlite3';
import { startGatedChild, waitForGo } from '../../store/test/support/gated-child.ts';
import { freshStorePlace, type StorePlace } from '../../store/test/support/stores.ts';
import type { Executor } from '../src/executor/executor.ts';
import { InProcessExecutor } from '../src/executor/in-process-executor.ts';
import { tick } from '../src/scheduler/tick.ts';
import type { TickSummary } from '../src/scheduler/tick-summary.ts';

/**
 * Several scheduler processes ticking at the same instant: each due run starts exactly once. The
 * schedulers are real processes (this file, started again with `scheduler-child`), each with its
 * own store connection, released together by a line on standard input. Like schedulers beside
 * workers (REDIS_URL), they only hand runs over; this process then executes them, as a worker would.
 */

const HOUR = 3_600_000;
const SELF = fileURLToPath(import.meta.url);

interface ChildInput {
  readonly store: StoreOptions;
  readonly now: string;
}

/** Stands in for the queue: records the executions handed over, runs none. */
class HandOver implements Executor {
  readonly kind = 'bullmq' as const;
  readonly handed: string[] = [];
  async start(executionId: string): Promise<void> {
    this.handed.push(executionId);
  }
  async pause(): Promise<void> {}
  async cancel(): Promise<void> {}
  async settled(): Promise<void> {}
  async close(): Promise<void> {}
}

/** A scheduler process: connects, waits for the go, ticks once at `now`, prints the summary. */
async function childMain(input: ChildInput): Promise<void> {
  const store = await openStore(input.store);
  await waitForGo();
  const summary = await tick({ store, executor: new HandOver() }, new Date(input.now), {
    smtp: null,
    log: () => {},
  });
  process.stdout.write(JSON.stringify(summary));
  await store.close();
}

interface SchedulerProcess {
  readonly ready: Promise<void>;
  go(): void;
  readonly summary: Promise<TickSummary>;
}

function startScheduler(input: ChildInput): SchedulerProcess {
  const child = startGatedChild<TickSummary>([SELF, 'scheduler-child', JSON.stringify(input)]);
  return { ready: child.ready, go: child.go, summary: child.result };
}

function eventsSource(file: string): void {
  const db = new Database(file);
  db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, happened_at TEXT NOT NULL)');
  db.prepare(
    "INSERT INTO events (happened_at) VALUES ('2024-05-01 10:00:00'), ('2024-05-02 10:00:00')",
  ).run();
  db.close();
}

async function hourlyProject(store: Store, dir: string): Promise<Project> {
  const tag = randomBytes(3).toString('hex');
  const sourceFile = join(dir, `source-${tag}.sqlite`);
  eventsSource(sourceFile);
  const source = await createConnection(store, { name: `source-${tag}`, url: `sqlite:${sourceFile}` });
  const target = await createConnection(store, {
    name: `target-${tag}`,
    url: `sqlite:${join(dir, `target-${tag}.sqlite`)}`,
  });
  return createProject(store, {
    name: `race-${tag}`,
    sourceConnectionId: source.id,
    targetConnectionId: target.id,
    spec: {
      source: { url: 'x' },
      target: { url: 'x' },
      pipeline: { createTables: true },
      schedule: { cron: 'hourly', catchUp: true },
      mappings: [
        {
          source: 'events',
          target: 'events',
          mode: 'replace',
          columns: [
            { source: 'id', target: 'id' },
            { source: 'happened_at', target: 'happened_at' },
          ],
        },
      ],
    },
  });
}

if (process.argv[2] === 'scheduler-child') {
  await childMain(JSON.parse(process.argv[3]!) as ChildInput);
} else {
  for (const kind of ['sqlite', 'postgres'] as const) {
    describe(`scheduler processes racing (${kind} store)`, () => {
      let place: StorePlace;
      let store: Store;
      before(async () => {
        place = await freshStorePlace(kind);
        store = await openStore(place.options);
      });
      after(async () => {
        await store.close();
        await place.drop();
      });

      it('two connections claiming the same runs at once: each claim succeeds exactly once', async () => {
        const other = await openStore(place.options);
        try {
          const project = await hourlyProject(store, place.options.dataDir);
          const dates = Array.from({ length: 20 }, (_, i) => new Date(Date.UTC(2024, 4, 1, i)));
          const claims = await Promise.all(
            dates.flatMap((logicalDate) =>
              [store, other].map((s) =>
                claimScheduledRun(s, { projectId: project.id, logicalDate, kind: 'schedule' }),
              ),
            ),
          );
          assert.equal(claims.filter(Boolean).length, dates.length);
          assert.equal((await listScheduledRuns(store, { projectId: project.id })).length, dates.length);
        } finally {
          await other.close();
        }
      });

      it('two scheduler processes ticking at the same instant start each due run once', async () => {
        const projects = await Promise.all([1, 2, 3].map(() => hourlyProject(store, place.options.dataDir)));
        const saved = Math.max(...projects.map((p) => Date.parse(p.updatedAt)));
        const first = Math.ceil((saved + 1) / HOUR) * HOUR;
        // Two runs due per project (catch-up on); one may go at a time, the other waits.
        const now = new Date(first + HOUR + 60_000);
        const input: ChildInput = { store: place.options, now: now.toISOString() };
        const schedulers = [startScheduler(input), startScheduler(input)];
        await Promise.all(schedulers.map((s) => s.ready));
        for (const s of schedulers) s.go();
        const summaries = await Promise.all(schedulers.map((s) => s.summary));

        for (const summary of summaries) assert.deepEqual(summary.errors, []);
        const ids = new Set(projects.map((p) => p.id));
        const started = summaries.flatMap((s) => s.started).filter((r) => ids.has(r.projectId));
        const firstRun = new Date(first).toISOString();
        assert.deepEqual(
          started.map((r) => `${r.projectId} ${r.logicalDate}`).sort(),
          projects.map((p) => `${p.id} ${firstRun}`).sort(),
        );
        // Work the handed-over runs off, as a worker would.
        const reportsDir = join(place.options.dataDir, 'reports');
        const worker = new InProcessExecutor({ store, reportsDir });
        for (const run of started) await worker.start(run.executionId);
        for (const run of started) await worker.settled(run.executionId);
        await worker.close();
        rmSync(reportsDir, { recursive: true, force: true });

        for (const project of projects) {
          const executions = (await listExecutions(store, { projectId: project.id })).items;
          assert.equal(executions.length, 1, 'one execution for the first logical date');
          assert.equal(executions[0]?.status, 'completed', executions[0]?.errorMessage ?? '');
          assert.equal(await getExecutionLogicalDate(store, executions[0]!.id), firstRun);
          const runs = await listScheduledRuns(store, { projectId: project.id });
          assert.deepEqual(
            runs.map((r) => [r.logicalDate, r.status]),
            [
              [firstRun, 'started'],
              [new Date(first + HOUR).toISOString(), 'waiting'],
            ],
          );
        }
      });
    });
  }
}
