import type { Connection } from '../connectors/connection.ts';
import { buildPlan } from '../plan/build-plan.ts';
import { checkKeyConflicts } from '../plan/check-key-conflicts.ts';
import { checkSourceQueries } from '../plan/check-source-queries.ts';
import { measureTypeWarnings } from '../plan/measure-type-warnings.ts';
import { withSchemaWarnings } from '../plan/schema-ddl.ts';
import type { SessionOptions } from './session-options.ts';

/** Plans a new run and checks the plan against the databases. */
export async function planRun(options: SessionOptions, source: Connection, target: Connection) {
  const [sourceSchema, targetSchema] = await Promise.all([source.introspect(), target.introspect()]);
  const built = buildPlan({
    spec: options.spec,
    sourceSchema,
    targetSchema,
    sourceDefaultSchema: source.dialect.defaultSchema,
    targetDefaultSchema: target.dialect.defaultSchema,
    lineOf: options.lineOf ?? (() => 'spec'),
  });
  await checkSourceQueries(built, source);
  const measured = await measureTypeWarnings(
    await checkKeyConflicts(built, source, target),
    source,
    'before_load',
  );
  return withSchemaWarnings(measured, target.dialect);
}
