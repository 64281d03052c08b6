import { buildRunDag, parseConnectionUrl, planMigration, type RunDag } from '@databridge/engine';
import { runnableSpec } from '@databridge/store';
import type { ServiceContext } from '../context.ts';
import { withLogicalDate } from '../run/execution-spec.ts';
import { maskSecrets } from './mask-secrets.ts';
import { requireProject } from './projects-service.ts';
import { ServiceError, toServiceError } from './service-error.ts';
import { checkSqliteLocation } from './sqlite-files.ts';

/**
 * The DAG of a project's run (`GET /api/projects/[id]/dag`, the Graph, the Grid, the Airflow file):
 * its saved spec planned against both databases, named after the project. `bad_input` for a spec the
 * plan refuses, `unavailable` when a database does not answer; a message never carries a password.
 */
export async function projectDag(ctx: Pick<ServiceContext, 'store' | 'env'>, id: string): Promise<RunDag> {
  const project = await requireProject(ctx, id);
  const saved = await runnableSpec(ctx.store, id).catch((error: unknown) => {
    throw toServiceError(error);
  });
  const spec = withLogicalDate(saved, new Date());
  const secrets = [spec.source.url, spec.target.url]
    .map((url) => parseConnectionUrl(url).password)
    .filter((p): p is string => Boolean(p));
  const sourceFolder = checkSqliteLocation(ctx.env, spec.source.url, 'source.url');
  const sqliteFolder = checkSqliteLocation(ctx.env, spec.target.url, 'target.url') ?? sourceFolder;
  try {
    return buildRunDag(await planMigration(spec, undefined, sqliteFolder, ctx.env.staging), project.name);
  } catch (error) {
    const failure = toServiceError(error);
    throw new ServiceError(failure.code, maskSecrets(failure.message, secrets), {
      cause: error,
      ...(failure.field ? { field: failure.field } : {}),
    });
  }
}
