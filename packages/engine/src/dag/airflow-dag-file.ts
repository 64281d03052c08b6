import type { ScheduleSettings } from '../spec/schedule-schema.ts';
import { AIRFLOW_PYTHON } from './airflow-python.ts';
import type { RunDag } from './run-dag.ts';

/** The Airflow connection holding DataBridge's address (host) and an API key (password). */
export const AIRFLOW_CONNECTION_ID = 'databridge_default';
/** The Airflow task that starts the DataBridge execution; every stage task waits on it. */
export const START_TASK_ID = 'start_execution';

export interface AirflowDagFileInput {
  readonly dag: RunDag;
  /** The DataBridge project the file starts. */
  readonly projectId: string;
  readonly projectName: string;
  /** The project's schedule; without a timetable the DAG runs only when triggered. */
  readonly schedule?: ScheduleSettings | undefined;
  /** Seconds between two looks at a stage (default 30); the sensor frees its worker slot in between. */
  readonly pokeSeconds?: number;
}

/**
 * A DAG file for Airflow 2.7+ and 3.x: one task starts a DataBridge execution for the run's
 * `{{ logical_date }}` through the HTTP API, then one sensor per stage (reschedule mode) waits for
 * that stage and fails with DataBridge's own message when the run fails or is cancelled. The
 * settings sit in module-level constants (read back by `ast` in the tests); the HTTP calls are plain
 * standard-library functions; Airflow is imported only inside the DAG wiring. No secret is written:
 * the API key comes from the Airflow connection `databridge_default`.
 */
export function renderAirflowDagFile(input: AirflowDagFileInput): string {
  const { dag, schedule } = input;
  const stages = dag.tasks.filter((t) => t.kind === 'stage');
  const upstream: Record<string, string[]> = {};
  let previous = START_TASK_ID;
  for (const stage of stages) {
    upstream[stage.id] = [previous];
    previous = stage.id;
  }
  const docs: Record<string, string> = {};
  for (const stage of stages) {
    const loads = dag.tasks.filter((t) => t.kind === 'load' && t.stage === stage.id);
    docs[stage.id] = [stage.description, ...loads.map((t) => `- ${t.id}: ${t.description}`)].join('\n');
  }
  const retries = schedule?.retries;
  const constants: [string, string][] = [
    ['DAG_ID', py(dag.dagId)],
    ['DAG_DESCRIPTION', py(dag.description)],
    ['DATABRIDGE_PROJECT_ID', py(input.projectId)],
    ['DATABRIDGE_PROJECT_NAME', py(input.projectName)],
    ['DATABRIDGE_CONNECTION_ID', py(AIRFLOW_CONNECTION_ID)],
    ['SCHEDULE', py(schedule?.cron ?? null)],
    ['TIMEZONE', py(schedule?.timezone ?? 'UTC')],
    ['CATCHUP', py(schedule?.catchUp ?? false)],
    ['MAX_ACTIVE_RUNS', py(schedule?.maxActiveRuns ?? 1)],
    ['RETRIES', py(retries?.maxRetries ?? 0)],
    ['RETRY_DELAY_MINUTES', py(retries?.delayMinutes ?? 5)],
    ['RETRY_EXPONENTIAL_BACKOFF', py(retries?.exponentialBackoff ?? false)],
    ['MAX_RETRY_DELAY_MINUTES', py(retries?.maxDelayMinutes ?? 60)],
    ['SLA_MINUTES', py(schedule?.sla?.minutes ?? null)],
    ['POKE_INTERVAL_SECONDS', py(input.pokeSeconds ?? 30)],
    ['START_TASK_ID', py(START_TASK_ID)],
    ['STAGE_TASK_IDS', py(stages.map((s) => s.id))],
    ['UPSTREAM', py(upstream)],
    ['TASK_DOCS', py(docs)],
  ];
  const header = [
    '"""',
    `Airflow DAG of the DataBridge project ${JSON.stringify(input.projectName)}, written by DataBridge.`,
    '',
    'Regenerate it rather than edit it (Step 6 "Deploy to Airflow", or',
    "`databridge airflow export`). The Airflow connection `databridge_default` holds DataBridge's",
    'address as its host (http://host:3000) and an API key of role operator or above as its password.',
    '"""',
  ].join('\n');
  const settings = constants.map(([name, value]) => `${name} = ${value}`).join('\n');
  return `${header}\n\n${AIRFLOW_PYTHON.imports}\n\n${settings}\n\n${AIRFLOW_PYTHON.body}`;
}

/** A JSON value as a Python literal: JSON strings and numbers are Python's; the three keywords differ. */
function py(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (Array.isArray(value)) return `[${value.map(py).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{\n${entries.map(([k, v]) => `    ${JSON.stringify(k)}: ${py(v)},`).join('\n')}\n}`;
  }
  return JSON.stringify(value);
}
