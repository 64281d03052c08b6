import { deployProjectToAirflow, ProjectId, projectAirflowFile } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** The project's Airflow DAG file to download (`<dag_id>.py`); it holds no secret. */
export const GET = route<{ id: string }>('read', async (call) => {
  const file = await projectAirflowFile(call.context, call.id(ProjectId));
  return new Response(file.text, {
    headers: {
      'content-type': 'text/x-python; charset=utf-8',
      'content-disposition': `attachment; filename="${file.fileName}"`,
      'cache-control': 'no-store',
    },
  });
});

/**
 * "Deploy to Airflow": the project's timetable becomes Airflow's (`schedule.owner: airflow`) and
 * its DAG file is written into AIRFLOW_DAGS_FOLDER when set. → `{ dagId, fileName, path, text }`,
 * `path` null when the file is to be copied there by hand.
 */
export const POST = route<{ id: string }>('edit', async (call) => {
  const id = call.id(ProjectId);
  const deployed = await deployProjectToAirflow(call.context, id);
  await call.audit(
    'project.deploy_airflow',
    { kind: 'project', id },
    { dagId: deployed.dagId, path: deployed.path },
  );
  return { data: deployed };
});
