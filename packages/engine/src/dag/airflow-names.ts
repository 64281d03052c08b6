import { createHash } from 'node:crypto';

/** Airflow refuses a `dag_id` or `task_id` longer than this. */
export const AIRFLOW_ID_MAX = 250;
const DAG_PREFIX = 'databridge__';

/**
 * A name as Airflow takes it in an id: accents folded (`Café` to `cafe`), lowercase, every run of
 * other characters one underscore, none at either end. Empty when nothing of the name survives.
 */
export function airflowSlug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * `databridge__<slug>` for a project name, valid as an Airflow `dag_id`: lowercase letters, digits
 * and underscores, at most 250 characters. A longer name is cut and ends with a short hash of the
 * whole name, so two long names that share their first 230 characters still get two DAGs.
 */
export function dagIdFor(projectName: string): string {
  const slug = airflowSlug(projectName) || 'project';
  const id = `${DAG_PREFIX}${slug}`;
  if (id.length <= AIRFLOW_ID_MAX) return id;
  const hash = createHash('sha256').update(projectName).digest('hex').slice(0, 8);
  const keep = AIRFLOW_ID_MAX - hash.length - 1;
  return `${id.slice(0, keep).replace(/_+$/, '')}_${hash}`;
}
