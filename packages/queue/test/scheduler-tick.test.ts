import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createExecution,
  getExecution,
  getExecutionLogicalDate,
  listExecutions,
  listScheduledRuns,
  type Project,
  updateExecution,
  updateProject,
} from '@databridge/store';
import Database from 'better-sqlite3';
import { checkDependencies, dependencyGraph, dependsOnOf } from '../src/scheduler/dependencies.ts';
import { backfill } from '../src/scheduler/request-backfill.ts';
import { type TickOptions, tick } from '../src/scheduler/tick.ts';
import type { StartedRun, TickSummary } from '../src/scheduler/tick-summary.ts';
import { startExecution } from '../src/services/executions-service.ts';
import type { ServiceError } from '../src/services/service-error.ts';
import { type Harness, openHarness, projectFor, type StoreKind } from './support/harness.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const quiet: TickOptions = { smtp: null, log: () => {} };

/** Rows of `events` per day, `YYYY-MM-DD` → count; each row happens at 10:00 plus its number in minutes. */
function eventsSource(dir: string, days: Record<string, number>): string {
  const file = join(dir, `events-${randomBytes(3).toString('hex')}.sqlite`);
  const db = new Database(file);
  db.exec('CREATE TABLE events (id INTEGER PRIMARY KEY, happened_at TEXT NOT NULL, amount INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO events (happened_at, amount) VALUES (?, ?)');
  for (const [day, count] of Object.entries(days)) {
    for (let i = 0; i < count; i++) insert.run(`${day} 10:${String(i).padStart(2, '0')}:00`, i + 1);
  }
  db.close();
  return file;
}

function targetRows(file: string): { happened_at: string }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT happened_at FROM events ORDER BY happened_at').all() as {
      happened_at: string;
    }[];
  } finally {
    db.close();
  }
}

interface EventsProject {
  readonly project: Project;
  readonly target: string;
}

/** A small SQLite-to-SQLite project (one table, a few rows) that runs in well under a second. */
async function eventsProject(
  h: Harness,
  schedule: Record<string, unknown> | undefined,
  options: { where?: string; mode?: 'append' | 'replace'; days?: Record<string, number>; name?: string } = {},
): Promise<EventsProject> {
  const source = eventsSource(h.dir, options.days ?? { '2024-05-01': 3 });
  const target = join(h.dir, `target-${randomBytes(3).toString('hex')}.sqlite`);
  let project = await projectFor(h.store, `sqlite:${source}`, `sqlite:${target}`, {
    name: 'events',
    pipeline: { createTables: true },
    mappings: [
      {
        source: 'events',
        target: 'events',
        mode: options.mode ?? 'replace',
        ...(options.where ? { where: options.where } : {}),
        columns: ['id', 'happened_at', 'amount'].map((c) => ({ source: c, target: c })),
      },
    ],
    ...(schedule ? { schedule } : {}),
  });
  if (options.name) project = await updateProject(h.store, project.id, { name: options.name });
  return { project, target };
}

/** The first top of the hour after the project was saved, plus `hours - 1` hours. */
function hourAfter(project: Project, hours = 1): number {
  return Math.ceil((Date.parse(project.updatedAt) + 1) / HOUR) * HOUR + (hours - 1) * HOUR;
}

async function settleAll(h: Harness, executionIds: readonly string[]): Promise<void> {
  for (const id of executionIds) await h.executor.settled(id);
}

/** Ticks at `now` until nothing more starts, seeing each started run through; returns the runs `projectId` started. */
async function tickUntilQuiet(h: Harness, now: Date, projectId: string): Promise<StartedRun[]> {
  const started: StartedRun[] = [];
  for (;;) {
    const summary = await tick(h, now, quiet);
    assert.deepEqual(summary.errors, []);
    if (summary.started.length === 0) return started;
    started.push(...summary.started.filter((s) => s.projectId === projectId));
    await settleAll(
      h,
      summary.started.map((s) => s.executionId),
    );
  }
}

/** The summary's runs of one project (earlier tests' projects share the store and tick too). */
function mine(summary: TickSummary, projectId: string) {
  const of = <T extends { projectId: string }>(list: T[]) => list.filter((r) => r.projectId === projectId);
  return { started: of(summary.started), waiting: of(summary.waiting), skipped: of(summary.skipped) };
}

async function logicalDates(h: Harness, projectId: string): Promise<string[]> {
  const executions = (await listExecutions(h.store, { projectId, limit: 100 })).items;
  const dates = await Promise.all(executions.map((e) => getExecutionLogicalDate(h.store, e.id)));
  return dates.filter((d): d is string => d !== null).sort();
}

const iso = (ms: number) => new Date(ms).toISOString();

for (const storeKind of ['sqlite', 'postgres'] as const satisfies readonly StoreKind[]) {
  describe(`scheduler tick (${storeKind} store, in-process executor)`, () => {
    let h: Harness;
    before(async () => {
      h = await openHarness(storeKind, 'in-process');
    });
    after(async () => {
      await h.close();
    });

    it('starts a due run once with its logical date, and nothing before its time or again', async () => {
      const { project } = await eventsProject(h, { cron: 'hourly' });
      const first = hourAfter(project);
      const early = mine(await tick(h, new Date(first - MINUTE), quiet), project.id);
      assert.equal(early.started.length, 0, 'a new schedule does not start its history');

      const summary = mine(await tick(h, new Date(first + MINUTE), quiet), project.id);
      assert.equal(summary.started.length, 1);
      const [run] = summary.started;
      assert.equal(run?.logicalDate, iso(first));
      assert.equal(run?.kind, 'schedule');
      await h.executor.settled(run!.executionId);
      const execution = await getExecution(h.store, run!.executionId);
      assert.equal(execution?.status, 'completed');
      assert.equal(execution?.trigger, 'schedule');
      assert.equal(await getExecutionLogicalDate(h.store, run!.executionId), iso(first));

      const again = mine(await tick(h, new Date(first + 2 * MINUTE), quiet), project.id);
      assert.deepEqual([again.started, again.waiting, again.skipped], [[], [], []]);
      const [row] = await listScheduledRuns(h.store, { projectId: project.id });
      assert.equal(row?.status, 'started');
      assert.equal(row?.executionId, run!.executionId);
    });

    it('max active runs: a due run waits for a slot and says so, then starts', async () => {
      const { project } = await eventsProject(h, { cron: 'hourly', maxActiveRuns: 1 });
      const busy = await createExecution(h.store, { projectId: project.id });
      await updateExecution(h.store, busy.id, { status: 'running', startedAt: new Date() });
      const now = new Date(hourAfter(project) + MINUTE);

      const full = mine(await tick(h, now, quiet), project.id);
      assert.equal(full.started.length, 0);
      assert.equal(full.waiting.length, 1);
      assert.match(full.waiting[0]!.reason, /1 run\(s\) of "project-\w+" active, at most 1 at once/);
      const [waiting] = await listScheduledRuns(h.store, { projectId: project.id });
      assert.equal(waiting?.status, 'waiting');
      assert.match(waiting?.reason ?? '', /at most 1 at once/);

      await updateExecution(h.store, busy.id, { status: 'completed', endedAt: new Date() });
      const freed = mine(await tick(h, now, quiet), project.id);
      assert.equal(freed.started.length, 1);
      assert.equal(freed.started[0]?.logicalDate, waiting?.logicalDate);
      await h.executor.settled(freed.started[0]!.executionId);
    });

    it('max active runs with whenMaxActive skip: the run is skipped with the reason, never started', async () => {
      const { project } = await eventsProject(h, { cron: 'hourly', whenMaxActive: 'skip' });
      const busy = await createExecution(h.store, { projectId: project.id });
      await updateExecution(h.store, busy.id, { status: 'running', startedAt: new Date() });
      const now = new Date(hourAfter(project) + MINUTE);

      const summary = mine(await tick(h, now, quiet), project.id);
      assert.equal(summary.started.length, 0);
      assert.equal(summary.skipped.length, 1);
      assert.match(summary.skipped[0]!.reason, /active, at most 1 at once/);
      await updateExecution(h.store, busy.id, { status: 'completed', endedAt: new Date() });
      const later = mine(await tick(h, now, quiet), project.id);
      assert.equal(later.started.length, 0, 'a skipped run stays skipped');
      const [row] = await listScheduledRuns(h.store, { projectId: project.id });
      assert.equal(row?.status, 'skipped');
    });

    it('max active runs 2: two due runs go at once, the third waits', async () => {
      const { project } = await eventsProject(h, { cron: 'hourly', maxActiveRuns: 2, catchUp: true });
      const now = new Date(hourAfter(project, 3) + MINUTE);
      const summary = mine(await tick(h, now, quiet), project.id);
      assert.equal(summary.started.length, 2);
      assert.equal(summary.waiting.length, 1);
      assert.match(summary.waiting[0]!.reason, /2 run\(s\) .* at most 2 at once/);
      await settleAll(
        h,
        summary.started.map((s) => s.executionId),
      );
      assert.equal((await tickUntilQuiet(h, now, project.id)).length, 1);
    });

    it('catch-up on: after downtime every missed run starts, oldest first, each with its logical date', async () => {
      const { project } = await eventsProject(h, { cron: 'hourly', catchUp: true });
      const first = hourAfter(project);
      await tickUntilQuiet(h, new Date(first + MINUTE), project.id);
      // The scheduler is down for three hours.
      const started = await tickUntilQuiet(h, new Date(first + 3 * HOUR + 5 * MINUTE), project.id);
      assert.deepEqual(
        started.map((r) => r.logicalDate),
        [1, 2, 3].map((k) => iso(first + k * HOUR)),
      );
      const dates = await Promise.all(started.map((r) => getExecutionLogicalDate(h.store, r.executionId)));
      assert.deepEqual(
        dates,
        [1, 2, 3].map((k) => iso(first + k * HOUR)),
      );
      assert.deepEqual(
        await logicalDates(h, project.id),
        [0, 1, 2, 3].map((k) => iso(first + k * HOUR)),
      );
    });

    it('catch-up off: after downtime only the latest missed run starts', async () => {
      const { project } = await eventsProject(h, { cron: 'hourly', catchUp: false });
      const first = hourAfter(project);
      await tickUntilQuiet(h, new Date(first + MINUTE), project.id);
      const started = await tickUntilQuiet(h, new Date(first + 3 * HOUR + 5 * MINUTE), project.id);
      assert.equal(started.length, 1);
      assert.deepEqual(await logicalDates(h, project.id), [iso(first), iso(first + 3 * HOUR)]);
    });

    it('backfill: one run per scheduled time, started as slots free, each loading only its date', async () => {
      const days = { '2024-05-01': 1, '2024-05-02': 2, '2024-05-03': 3, '2024-05-04': 4, '2024-05-05': 5 };
      const { project, target } = await eventsProject(
        h,
        { cron: 'daily', timezone: 'UTC' },
        {
          days,
          mode: 'append',
          where: "happened_at >= {{logical_date}} AND happened_at < datetime({{ logical_date }}, '+1 day')",
        },
      );
      const result = await backfill(
        h,
        project.id,
        new Date('2024-05-02T00:00:00Z'),
        new Date('2024-05-04T12:00:00Z'),
      );
      assert.deepEqual(
        result.runs.map((r) => [r.logicalDate, r.outcome]),
        ['02', '03', '04'].map((d) => [`2024-05-${d}T00:00:00.000Z`, 'created']),
      );
      assert.equal(result.queued, 3);

      const started = await tickUntilQuiet(h, new Date(), project.id);
      assert.equal(started.length, 3, 'one run per tick: maxActiveRuns is 1');
      for (const [i, { executionId: id }] of started.entries()) {
        const execution = await getExecution(h.store, id);
        assert.equal(execution?.status, 'completed', execution?.errorMessage ?? '');
        assert.equal(await getExecutionLogicalDate(h.store, id), `2024-05-0${i + 2}T00:00:00.000Z`);
        assert.equal(execution?.recordsProcessed, i + 2, 'the day’s rows only');
      }
      const rows = targetRows(target).map((r) => r.happened_at.slice(0, 10));
      assert.deepEqual([...new Set(rows)], ['2024-05-02', '2024-05-03', '2024-05-04']);
      assert.equal(rows.length, 2 + 3 + 4);

      const again = await backfill(
        h,
        project.id,
        new Date('2024-05-02T00:00:00Z'),
        new Date('2024-05-03T00:00:00Z'),
      );
      assert.deepEqual(
        again.runs.map((r) => r.outcome),
        ['exists', 'exists'],
      );

      // A manual run's logical date is its creation time: nothing of 2024 matches.
      const manual = await startExecution(h, { projectId: project.id });
      await h.executor.settled(manual.executionId);
      assert.equal((await getExecution(h.store, manual.executionId))?.recordsProcessed, 0);
      assert.equal(targetRows(target).length, 9);
    });

    it('backfill refuses a project without a timetable and a range backwards or in the future', async () => {
      const { project: plain } = await eventsProject(h, undefined);
      const { project } = await eventsProject(h, { cron: 'daily' });
      const badInput = (pattern: RegExp) => (error: ServiceError) => {
        assert.equal(error.code, 'bad_input');
        assert.match(error.message, pattern);
        return true;
      };
      const may = (day: string) => new Date(`2024-05-${day}T00:00:00Z`);
      await assert.rejects(
        backfill(h, plain.id, may('01'), may('02')),
        badInput(/^Project ".*" has no timetable: .* give it a schedule first\./),
      );
      await assert.rejects(backfill(h, project.id, may('05'), may('02')), badInput(/is after to/));
      await assert.rejects(
        backfill(h, project.id, may('01'), new Date(Date.now() + HOUR)),
        badInput(/^To \(.*\) is in the future: .* end it before now\./),
      );
      await assert.rejects(
        backfill(h, 'nope', may('01'), may('02')),
        (e: ServiceError) => e.code === 'not_found',
      );
    });

    it('dependencies: c waits for b waits for a, for the same logical date', async () => {
      const tag = randomBytes(2).toString('hex');
      const schedule = { cron: 'hourly' };
      const a = await eventsProject(h, schedule, { name: `a-${tag}` });
      const b = await eventsProject(h, { ...schedule, dependsOn: [`a-${tag}`] }, { name: `b-${tag}` });
      const c = await eventsProject(h, { ...schedule, dependsOn: [b.project.id] }, { name: `c-${tag}` });
      const first = Math.max(...[a, b, c].map((p) => hourAfter(p.project)));
      const now = new Date(first + MINUTE);
      const only = <T extends { projectId: string }>(list: T[]) =>
        list.filter((r) => [a, b, c].some((p) => p.project.id === r.projectId));

      const one = await tick(h, now, quiet);
      assert.deepEqual(
        only(one.started).map((r) => r.projectName),
        [`a-${tag}`],
      );
      const waiting = new Map(only(one.waiting).map((r) => [r.projectName, r.reason]));
      assert.match(
        waiting.get(`b-${tag}`) ?? '',
        new RegExp(`waiting for "a-${tag}": its run for .* is (pending|running)`),
      );
      assert.match(
        waiting.get(`c-${tag}`) ?? '',
        new RegExp(`waiting for "b-${tag}": it has no run for .* yet`),
      );
      await settleAll(
        h,
        only(one.started).map((r) => r.executionId),
      );

      const two = await tick(h, now, quiet);
      assert.deepEqual(
        only(two.started).map((r) => r.projectName),
        [`b-${tag}`],
      );
      assert.match(only(two.waiting)[0]?.reason ?? '', new RegExp(`waiting for "b-${tag}"`));
      await settleAll(
        h,
        only(two.started).map((r) => r.executionId),
      );

      const three = await tick(h, now, quiet);
      assert.deepEqual(
        only(three.started).map((r) => r.projectName),
        [`c-${tag}`],
      );
      await settleAll(
        h,
        only(three.started).map((r) => r.executionId),
      );

      for (const p of [a, b, c]) {
        const [execution] = (await listExecutions(h.store, { projectId: p.project.id })).items;
        assert.equal(execution?.status, 'completed');
        assert.equal(await getExecutionLogicalDate(h.store, execution!.id), iso(first));
      }

      const graph = await dependencyGraph(h);
      const edges = graph.edges.filter((e) => [b, c].some((p) => p.project.id === e.to));
      assert.deepEqual(
        edges.map((e) => [e.from, e.to]),
        [
          [a.project.id, b.project.id],
          [b.project.id, c.project.id],
        ],
      );
      const node = graph.nodes.find((n) => n.id === a.project.id);
      assert.equal(node?.schedule, 'Every hour (UTC time)');
      assert.equal(graph.cycle, null);

      // Saving a → c would close a cycle: refused, naming it.
      await assert.rejects(checkDependencies(h, a.project.id, [`c-${tag}`]), (error: ServiceError) => {
        assert.equal(error.code, 'bad_input');
        const match =
          /^schedule\.dependsOn: projects wait for each other in a cycle: (\S+) → (\S+) → (\S+) → (\S+)$/.exec(
            error.message,
          );
        assert.ok(match, error.message);
        assert.equal(match[1], match[4]);
        assert.deepEqual(match.slice(1, 4).sort(), [`a-${tag}`, `b-${tag}`, `c-${tag}`]);
        return true;
      });
      await assert.rejects(checkDependencies(h, a.project.id, [a.project.id]), /cycle: a-\w+ → a-\w+$/);
      await assert.rejects(checkDependencies(h, a.project.id, ['no-such-project']), (error: ServiceError) => {
        assert.equal(error.code, 'bad_input');
        assert.equal(error.message, 'schedule.dependsOn: there is no project "no-such-project"');
        return true;
      });
      assert.deepEqual(await checkDependencies(h, c.project.id, [`a-${tag}`, b.project.id]), [
        { id: a.project.id, name: `a-${tag}` },
        { id: b.project.id, name: `b-${tag}` },
      ]);
      // What a save passes in: the raw spec's list, none for a spec without one.
      assert.deepEqual(dependsOnOf({ schedule: { cron: 'daily', dependsOn: [`c-${tag}`] } }), [`c-${tag}`]);
      assert.deepEqual(dependsOnOf({ mappings: [] }), []);
      // A project not created yet.
      assert.deepEqual(await checkDependencies(h, null, [`c-${tag}`], { name: `d-${tag}` }), [
        { id: c.project.id, name: `c-${tag}` },
      ]);
    });
  });
}
