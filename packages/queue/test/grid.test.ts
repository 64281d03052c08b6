import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createExecution, listTaskRuns, updateExecution, upsertTaskRuns } from '@databridge/store';
import Database from 'better-sqlite3';
import { startExecution } from '../src/services/executions-service.ts';
import { clearTask, executionTaskDetail, projectGrid } from '../src/services/grid-service.ts';
import { type Harness, openHarness, projectFor } from './support/harness.ts';

/**
 * The Grid: executions by tasks, each cell a state; a cell's detail is its task's attempt and log
 * lines. Three runs of one project: two complete, then a row the target's CHECK refuses fails the
 * `events` task under fail_fast.
 */
describe('the Grid of a project', () => {
  let h: Harness;
  before(async () => {
    h = await openHarness('sqlite', 'in-process');
  });
  after(async () => {
    await h.close();
  });

  it('shows three executions with their states, trigger and logical date; a failed cell opens its log', async () => {
    const tag = randomBytes(3).toString('hex');
    const source = join(h.dir, `grid-${tag}.sqlite`);
    const target = join(h.dir, `grid-target-${tag}.sqlite`);
    const db = new Database(source);
    db.exec(`CREATE TABLE kinds (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE events (id INTEGER PRIMARY KEY, kind_id INTEGER NOT NULL REFERENCES kinds (id), amount INTEGER NOT NULL);
      INSERT INTO kinds VALUES (1, 'a'); INSERT INTO events VALUES (1, 1, 5);`);
    db.close();
    const t = new Database(target);
    t.exec(`CREATE TABLE kinds (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE events (id INTEGER PRIMARY KEY, kind_id INTEGER NOT NULL REFERENCES kinds (id), amount INTEGER NOT NULL CHECK (amount < 100));`);
    t.close();
    const columns = (names: string[]) => names.map((c) => ({ source: c, target: c }));
    const project = await projectFor(h.store, `sqlite:${source}`, `sqlite:${target}`, {
      name: 'grid',
      // One SQLite target file takes one writer at a time.
      pipeline: { parallelism: 1 },
      mappings: [
        { source: 'kinds', target: 'kinds', mode: 'replace', columns: columns(['id', 'name']) },
        {
          source: 'events',
          target: 'events',
          mode: 'replace',
          columns: columns(['id', 'kind_id', 'amount']),
        },
      ],
    });
    const ids: string[] = [];
    for (const [i, logicalDate] of ['2024-05-01T00:00:00Z', undefined, undefined].entries()) {
      if (i === 2) {
        const again = new Database(source);
        again.exec('INSERT INTO events VALUES (2, 1, 500)');
        again.close();
      }
      const started = await startExecution(
        h,
        { projectId: project.id, ...(logicalDate ? { logicalDate } : {}) },
        'api',
      );
      await h.executor.settled(started.executionId);
      ids.push(started.executionId);
    }

    const grid = await projectGrid(h, project.id);
    assert.deepEqual(
      grid.executions.map((e) => [e.executionId, e.status, e.trigger]),
      [
        [ids[0], 'completed', 'api'],
        [ids[1], 'completed', 'api'],
        [ids[2], 'failed', 'api'],
      ],
    );
    assert.equal(grid.executions[0]?.logicalDate, '2024-05-01T00:00:00.000Z');
    assert.deepEqual(
      grid.rows.map((r) => r.id),
      [
        'extract',
        'transform',
        'load_dimensions.kinds',
        'load_dimensions',
        'load_facts.events',
        'load_facts',
        'validate',
        'report',
      ],
    );
    assert.deepEqual(grid.cells['load_facts.events'], {
      [ids[0]!]: 'completed',
      [ids[1]!]: 'completed',
      [ids[2]!]: 'failed',
    });
    assert.equal(grid.cells.load_facts?.[ids[2]!], 'failed');

    const row = grid.rows.find((r) => r.id === 'load_facts.events')!;
    const detail = await executionTaskDetail(h, ids[2]!, row.taskId!);
    assert.equal(detail.task.status, 'failed');
    assert.match(detail.task.error ?? '', /CHECK|constraint/i);
    assert.ok(detail.task.duration !== null && detail.task.duration >= 0);
    assert.ok(
      detail.log.some((l) => /^task events → events started/.test(l.message)),
      JSON.stringify(detail.log),
    );
    assert.ok(
      detail.log.some((l) => l.level === 'error' && /failed/.test(l.message)),
      JSON.stringify(detail.log),
    );
    await assert.rejects(executionTaskDetail(h, ids[2]!, 'm9'), /has no task m9/);

    // Clear the failed task once its row is fixed: it and what follows run again; kinds does not.
    const kinds = grid.rows.find((r) => r.id === 'load_dimensions.kinds')!;
    const taskRun = async (taskId: string) =>
      (await listTaskRuns(h.store, ids[2]!)).find((t) => t.taskId === taskId);
    const kindsBefore = await taskRun(kinds.taskId!);
    await assert.rejects(clearTask(h, ids[2]!, { task: kinds.taskId }), /completed in this execution/);
    const fix = new Database(source);
    fix.exec('UPDATE events SET amount = 50 WHERE id = 2');
    fix.close();
    const cleared = await clearTask(h, ids[2]!, { task: row.taskId });
    assert.deepEqual(cleared.rerun, [row.taskId]);
    // Cleared twice: the execution runs again (or has already completed): refused, not started twice.
    await assert.rejects(clearTask(h, ids[2]!, { task: row.taskId }), { code: 'invalid_state' });
    await h.executor.settled(ids[2]!);
    const after = await projectGrid(h, project.id);
    assert.equal(after.executions[2]?.status, 'completed');
    assert.equal(after.cells['load_facts.events']?.[ids[2]!], 'completed');
    const kindsAfter = await taskRun(kinds.taskId!);
    assert.equal(kindsAfter?.startedAt, kindsBefore?.startedAt, 'the completed task did not run again');
    const rows = new Database(target, { readonly: true });
    assert.deepEqual(rows.prepare('SELECT id, amount FROM events ORDER BY id').all(), [
      { id: 1, amount: 5 },
      { id: 2, amount: 50 },
    ]);
    rows.close();
  });

  it('Clear on an execution still running is refused with a sentence about Clear, and changes nothing', async () => {
    const project = await projectFor(h.store, 'sqlite:/nowhere/a.sqlite', 'sqlite:/nowhere/b.sqlite', {
      name: `grid running ${randomBytes(3).toString('hex')}`,
      mappings: [{ source: 'a', target: 'a', columns: [{ source: 'id', target: 'id' }] }],
    });
    const { id } = await createExecution(h.store, { projectId: project.id });
    await updateExecution(h.store, id, { status: 'running' });
    // A task failed while the run goes on (continue policy): Clear must wait for the run to end.
    await upsertTaskRuns(h.store, id, [
      {
        taskId: 'm1',
        mappingId: 'm1',
        stageId: 'load_facts',
        status: 'failed',
        rowsTotal: null,
        rowsRead: 0,
        rowsWritten: 0,
        rowsUncommitted: 0,
        rowsRejected: 0,
        startedAt: null,
        endedAt: null,
        attempt: 1,
        errorMessage: 'boom',
      },
    ]);
    await assert.rejects(clearTask(h, id, { task: 'm1' }), {
      code: 'invalid_state',
      message: `Execution ${id} is running: a task is cleared once its execution has failed or been cancelled (cancel it first, or wait for it to end).`,
    });
    assert.equal((await listTaskRuns(h.store, id))[0]?.status, 'failed');
  });
});
