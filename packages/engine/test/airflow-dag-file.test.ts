import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { renderAirflowDagFile } from '../src/dag/airflow-dag-file.ts';
import { buildRunDag } from '../src/dag/run-dag.ts';
import type { MigrationPlan } from '../src/plan/plan-types.ts';
import { parseSpec } from '../src/spec/load-spec.ts';
import { ScheduleSettings } from '../src/spec/schedule-schema.ts';
import { compilePython, readAirflowFile } from './support/read-airflow-file.ts';

/**
 * The Airflow file, checked as far as a machine without Airflow can: Python compiles it, `ast`
 * reads its dag_id, schedule, time zone, tasks and dependencies back, and its top level imports only
 * the standard library, so `python3` loads it (and its HTTP functions) without Airflow.
 */
function planOf(yaml: string): MigrationPlan {
  const { spec } = parseSpec(yaml, 'spec.yaml', {});
  // The file is drawn from the DAG alone: a plan with two mappings and no database is enough.
  const table = (name: string, rows: number) => ({
    schema: 'main',
    name,
    columns: [],
    primaryKey: [],
    foreignKeys: [],
    uniqueConstraints: [],
    rowEstimate: rows,
  });
  return {
    spec,
    warnings: [],
    mappings: [
      {
        id: 'm1',
        stage: 'load_dimensions',
        level: 0,
        source: table('Artist', 275),
        target: table('artist', 0),
      },
      { id: 'm2', stage: 'load_facts', level: 0, source: table('Album', 347), target: table('album', 0) },
    ].map((m, index) => ({
      ...m,
      index,
      createTarget: true,
      mode: 'append',
      conflictKey: [],
      where: undefined,
      columns: [],
      sourceKey: [],
      plainCopy: true,
    })),
  } as unknown as MigrationPlan;
}

const SPEC = `name: x
source: { url: "sqlite:a.sqlite" }
target: { url: "postgres://u:secret-password@localhost/db" }
mappings: [{ source: Artist, target: artist, columns: [{ source: id, target: id }] }]
`;

function write(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'databridge-airflow-')), 'dag.py');
  writeFileSync(file, text);
  return file;
}

describe('the Airflow DAG file', () => {
  test('compiles, and ast reads back the DAG model and the schedule', () => {
    const plan = planOf(SPEC);
    const dag = buildRunDag(plan, 'Chinook nightly Café');
    const schedule = ScheduleSettings.parse({
      cron: '30 2 * * 1-5',
      timezone: 'Europe/Berlin',
      catchUp: true,
      maxActiveRuns: 2,
      sla: { minutes: 45 },
      retries: { maxRetries: 3, delayMinutes: 2, exponentialBackoff: true, maxDelayMinutes: 20 },
    });
    const text = renderAirflowDagFile({
      dag,
      projectId: 'p-123',
      projectName: 'Chinook nightly Café',
      schedule,
    });
    const file = write(text);
    compilePython(file);
    const shape = readAirflowFile(file);
    const c = shape.constants;
    assert.equal(c.DAG_ID, 'databridge__chinook_nightly_cafe');
    assert.equal(c.DAG_ID, dag.dagId);
    assert.equal(c.SCHEDULE, '30 2 * * 1-5');
    assert.equal(c.TIMEZONE, 'Europe/Berlin');
    assert.equal(c.CATCHUP, true);
    assert.equal(c.MAX_ACTIVE_RUNS, 2);
    assert.equal(c.RETRIES, 3);
    assert.equal(c.RETRY_EXPONENTIAL_BACKOFF, true);
    assert.equal(c.SLA_MINUTES, 45);
    assert.equal(c.DATABRIDGE_PROJECT_ID, 'p-123');
    assert.equal(c.DATABRIDGE_CONNECTION_ID, 'databridge_default');
    // One task per stage of the model, in the model's order, after the task that starts the run.
    const stages = dag.tasks.filter((t) => t.kind === 'stage').map((t) => t.id);
    assert.deepEqual(c.STAGE_TASK_IDS, stages);
    assert.deepEqual(c.UPSTREAM, {
      extract: ['start_execution'],
      transform: ['extract'],
      load_dimensions: ['transform'],
      load_facts: ['load_dimensions'],
      validate: ['load_facts'],
      report: ['validate'],
    });
    assert.match(
      (c.TASK_DOCS as Record<string, string>).load_dimensions!,
      /load_dimensions\.artist: main\.Artist → main\.artist: about 275 rows, append/,
    );
    // No secret: not the target's password, nor any API key.
    assert.doesNotMatch(text, /secret-password|Bearer [A-Za-z0-9]/);
    // Only the standard library at the top; Airflow only inside the wiring.
    assert.deepEqual(
      shape.topLevelImports.filter(
        (m) =>
          ![
            '__future__',
            'importlib.util',
            'json',
            'logging',
            'time',
            'urllib.error',
            'urllib.parse',
            'urllib.request',
            'datetime',
          ].includes(m),
      ),
      [],
    );
    for (const f of ['api_call', 'start_execution', 'stage_finished', 'wait_for_stage', 'build_dag'])
      assert.ok(shape.functions.includes(f), f);
    // python3 without Airflow loads the file: the DAG is built only where Airflow is installed.
    const loaded = execFileSync(
      'python3',
      [
        '-c',
        `import runpy; m = runpy.run_path(${JSON.stringify(file)}); print("dag" in m, callable(m["start_execution"]))`,
      ],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(loaded.trim(), 'False True');
  });

  test('a project without a timetable runs only when triggered: schedule None, defaults elsewhere', () => {
    const plan = planOf(SPEC);
    const file = write(
      renderAirflowDagFile({ dag: buildRunDag(plan, 'x'), projectId: 'p', projectName: 'x' }),
    );
    compilePython(file);
    const c = readAirflowFile(file).constants;
    assert.equal(c.SCHEDULE, null);
    assert.equal(c.TIMEZONE, 'UTC');
    assert.equal(c.CATCHUP, false);
    assert.equal(c.SLA_MINUTES, null);
  });

  test('a hostile project name stays a string: no code of it runs when Airflow loads the file', () => {
    const name = '"""\nimport os; os.system("id")\n"""\\\' \u2028{{ dag_run }} \u0000';
    const file = write(
      renderAirflowDagFile({
        dag: buildRunDag(planOf(SPEC), name),
        projectId: 'p"; import os',
        projectName: name,
      }),
    );
    compilePython(file);
    const shape = readAirflowFile(file);
    assert.equal(shape.constants.DATABRIDGE_PROJECT_NAME, name);
    assert.equal(shape.constants.DATABRIDGE_PROJECT_ID, 'p"; import os');
    assert.equal(shape.constants.DAG_ID, 'databridge__import_os_os_system_id_dag_run');
    assert.ok(!shape.topLevelImports.includes('os'), shape.topLevelImports.join(' '));
  });
});
