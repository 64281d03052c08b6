import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dagIdFor, renderAirflowDagFile } from '@databridge/engine';
import { getProject, listProjects, updateProject } from '@databridge/store';
import type { ServiceContext } from '../context.ts';
import { indexProjects, resolveProject } from '../scheduler/project-index.ts';
import { projectDag } from './dag-service.ts';
import { requireProject } from './projects-service.ts';
import { ServiceError } from './service-error.ts';
import { withServiceErrors } from './service-failures.ts';

export interface AirflowDagFile {
  readonly dagId: string;
  /** `<dag_id>.py`. */
  readonly fileName: string;
  readonly text: string;
}

export interface AirflowDeployment extends AirflowDagFile {
  /** Where the file was written (AIRFLOW_DAGS_FOLDER), or null when it is only downloaded. */
  readonly path: string | null;
}

/**
 * The project's Airflow DAG file (see renderAirflowDagFile), as it would run once deployed: its
 * timetable owned by Airflow. Changes nothing. Planning errors as for the DAG.
 */
export async function projectAirflowFile(
  ctx: Pick<ServiceContext, 'store' | 'env'>,
  id: string,
): Promise<AirflowDagFile> {
  const project = await requireProject(ctx, id);
  const dag = await projectDag(ctx, id);
  const schedule = project.spec.schedule;
  const text = renderAirflowDagFile({
    dag,
    projectId: project.id,
    projectName: project.name,
    ...(schedule ? { schedule } : {}),
  });
  return { dagId: dag.dagId, fileName: `${dag.dagId}.py`, text };
}

/**
 * "Deploy to Airflow": marks the project's timetable as Airflow's (`schedule.owner: airflow`), so
 * DataBridge's scheduler no longer starts it, and writes its DAG file into AIRFLOW_DAGS_FOLDER when
 * one is configured (whole or not at all: Airflow's processor never reads half a file); without
 * one the caller hands the file to the user to copy there.
 */
export async function deployProjectToAirflow(
  ctx: Pick<ServiceContext, 'store' | 'env'>,
  id: string,
): Promise<AirflowDeployment> {
  const file = await projectAirflowFile(ctx, id);
  await checkDagIdFree(ctx, id, file.dagId);
  const folder = ctx.env.airflowDagsFolder;
  let path: string | null = null;
  if (folder) {
    path = join(folder, file.fileName);
    await checkFileOurs(ctx, id, path, file.fileName);
    const partial = join(folder, `.${file.fileName}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      mkdirSync(folder, { recursive: true });
      writeFileSync(partial, file.text, { mode: 0o644 });
      renameSync(partial, path);
    } catch (error) {
      throw new ServiceError(
        'unavailable',
        `The DAG file could not be written to AIRFLOW_DAGS_FOLDER ${folder}: ${(error as Error).message}. Check that the folder exists and DataBridge may write to it, or unset AIRFLOW_DAGS_FOLDER to download the file instead.`,
        { cause: error },
      );
    }
  }
  const project = await requireProject(ctx, id);
  if (project.spec.schedule?.owner !== 'airflow') {
    const schedule = { ...(project.spec.schedule ?? {}), owner: 'airflow' as const };
    await withServiceErrors(() => updateProject(ctx.store, id, { spec: { ...project.spec, schedule } }));
  }
  return { ...file, path };
}

/**
 * Two names can fold to one `dag_id` ("Sales" and "Sales!", "Café" and "cafe"): deploying the second
 * would replace the first one's file in the DAGs folder, and Airflow would start the wrong project on
 * its timetable while DataBridge's scheduler, told Airflow owns it, no longer does. `conflict` then.
 */
async function checkDagIdFree(ctx: Pick<ServiceContext, 'store'>, id: string, dagId: string): Promise<void> {
  const projects = await withServiceErrors(() => listProjects(ctx.store));
  const twin = projects.find((p) => p.id !== id && dagIdFor(p.name) === dagId);
  if (twin) {
    throw new ServiceError(
      'conflict',
      `The Airflow DAG id ${dagId} is already project “${twin.name}”’s: deploying this project would replace its DAG file. Rename one of the two projects so that their names differ in letters or digits, then deploy again.`,
    );
  }
}

/**
 * A project renamed after its deploy leaves its file, which Airflow still runs, under its old dag_id:
 * a project now named so is refused rather than replace it. A file of a project since deleted, or one
 * without DataBridge's project constant, is DataBridge's to write again.
 */
async function checkFileOurs(
  ctx: Pick<ServiceContext, 'store'>,
  id: string,
  path: string,
  fileName: string,
): Promise<void> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return;
  }
  const written = /^DATABRIDGE_PROJECT_ID = ("(?:[^"\\]|\\.)*")$/m.exec(text)?.[1];
  if (!written) return;
  const ownerId = JSON.parse(written) as string;
  if (ownerId === id) return;
  // An id no project could have (a hand-edited file) names no one to protect.
  const owner = await getProject(ctx.store, ownerId).catch(() => null);
  if (!owner) return;
  throw new ServiceError(
    'conflict',
    `AIRFLOW_DAGS_FOLDER already holds ${fileName}, the DAG file of project “${owner.name}” (deployed under an earlier name): deploying this project would replace it. Remove that file (and deploy “${owner.name}” again under its new name), or rename this project.`,
  );
}

/** A project by id, or by a name only one project has (`databridge airflow export <project>`). */
export async function findProjectId(ctx: Pick<ServiceContext, 'store'>, ref: string): Promise<string> {
  const found = resolveProject(indexProjects(await withServiceErrors(() => listProjects(ctx.store))), ref);
  if (!found.ok)
    throw new ServiceError('not_found', `${found.problem[0]!.toUpperCase()}${found.problem.slice(1)}.`);
  return found.project.id;
}
