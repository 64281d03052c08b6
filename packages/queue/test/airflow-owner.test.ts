import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { getExecution, getExecutionLogicalDate } from '@databridge/store';
import Database from 'better-sqlite3';
import { tick } from '../src/scheduler/tick.ts';
import { startExecution } from '../src/services/executions-service.ts';
import { type Harness, openHarness, projectFor } from './support/harness.ts';

/**
 * A project Airflow schedules (`schedule.owner: airflow`) is not also started by DataBridge's own
 * scheduler; Airflow starts it through the API, each run with Airflow's logical date.
 */
const HOUR = 3_600_000;

async function smallProject(h: Harness, schedule: Record<string, unknown>) {
  const source = join(h.dir, `events-${randomBytes(3).toString('hex')}.sqlite`);
  const db = new Database(source);
  db.exec(
    'CREATE TABLE events (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL); INSERT INTO events VALUES (1, 5);',
  );
  db.close();
  return projectFor(
    h.store,
    `sqlite:${source}`,
    `sqlite:${join(h.dir, `t-${randomBytes(3).toString('hex')}.sqlite`)}`,
    {
      name: 'events',
      pipeline: { createTables: true },
      mappings: [
        {
          source: 'events',
          target: 'events',
          mode: 'replace',
          columns: [
            { source: 'id', target: 'id' },
            { source: 'amount', target: 'amount' },
          ],
        },
      ],
      schedule,
    },
  );
}

describe('schedule.owner: airflow', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness('sqlite', 'in-process');
  });
  after(async () => {
    await h.close();
  });

  it("DataBridge's scheduler leaves an Airflow-owned timetable to Airflow; its own still runs", async () => {
    const airflow = await smallProject(h, { cron: 'hourly', owner: 'airflow' });
    const own = await smallProject(h, { cron: 'hourly' });
    assert.equal(airflow.spec.schedule?.owner, 'airflow');
    assert.equal(own.spec.schedule?.owner, 'databridge');
    const due = Math.ceil((Date.parse(own.updatedAt) + 1) / HOUR) * HOUR + 60_000;
    const summary = await tick(h, new Date(due), { smtp: null, log: () => {} });
    const started = summary.started.map((s) => s.projectId);
    assert.ok(started.includes(own.id), 'the DataBridge-owned project starts');
    assert.ok(!started.includes(airflow.id), 'the Airflow-owned project does not');
    for (const run of summary.started) await h.executor.settled(run.executionId);
  });

  it("a start through the API carries Airflow's logical date into the execution", async () => {
    const project = await smallProject(h, { cron: 'daily', owner: 'airflow' });
    const started = await startExecution(
      h,
      { projectId: project.id, logicalDate: '2024-05-01T00:00:00+00:00' },
      'api',
    );
    await h.executor.settled(started.executionId);
    assert.equal(await getExecutionLogicalDate(h.store, started.executionId), '2024-05-01T00:00:00.000Z');
    assert.equal((await getExecution(h.store, started.executionId))?.status, 'completed');
    await assert.rejects(
      startExecution(h, { projectId: project.id, logicalDate: 'yesterday' }),
      /logicalDate[\s\S]*must be an ISO-8601 time/,
    );
  });
});
