import type { SqliteFolder } from '../connectors/connection.ts';
import { openPair } from '../run/open-pair.ts';
import type { MigrationSpec } from '../spec/spec-schema.ts';
import { checkDirect } from '../staging/check-direct.ts';
import { checkStageable } from '../staging/check-stageable.ts';
import { resolveStaging, type StagingDatabase } from '../staging/staging-config.ts';
import { buildPlan } from './build-plan.ts';
import { checkKeyConflicts } from './check-key-conflicts.ts';
import { checkSourceQueries } from './check-source-queries.ts';
import { measureTypeWarnings } from './measure-type-warnings.ts';
import type { MigrationPlan } from './plan-types.ts';
import { withSchemaWarnings } from './schema-ddl.ts';

/**
 * Connects to both databases, reads their schemas and builds the plan, without moving a row.
 * `sqliteFolder`: a server's confinement of SQLite files (none for the CLI). `staging`: the staging
 * database configured (STAGING_DATABASE_URL, `--staging`), checked against `pipeline.staging` first.
 */
export async function planMigration(
  spec: MigrationSpec,
  lineOf: (path: readonly (string | number)[]) => string = () => 'spec',
  sqliteFolder?: SqliteFolder,
  staging?: StagingDatabase,
): Promise<MigrationPlan> {
  const staged = resolveStaging(spec, staging);
  const { source, target } = await openPair(
    { ...spec, pipeline: { ...spec.pipeline, parallelism: 1 } },
    sqliteFolder,
  );
  try {
    const [sourceSchema, targetSchema] = await Promise.all([source.introspect(), target.introspect()]);
    const built = buildPlan({
      spec,
      sourceSchema,
      targetSchema,
      sourceDefaultSchema: source.dialect.defaultSchema,
      targetDefaultSchema: target.dialect.defaultSchema,
      lineOf,
    });
    await checkSourceQueries(built, source);
    const measured = await measureTypeWarnings(await checkKeyConflicts(built, source, target), source);
    const plan = withSchemaWarnings(measured, target.dialect);
    // What `run` refuses, `plan` refuses the same way.
    if (staged) checkStageable(plan);
    else checkDirect(plan);
    return plan;
  } finally {
    await Promise.allSettled([source.close(), target.close()]);
  }
}
