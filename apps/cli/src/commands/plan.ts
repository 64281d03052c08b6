import { buildRunDag, loadSpecFile, planMigration, stagingFromEnvironment } from '@databridge/engine';
import { Command } from 'commander';
import { renderDag } from '../render/dag.ts';
import { planJson, renderDdl, renderPlan } from '../render/plan.ts';

export function planCommand(): Command {
  return new Command('plan')
    .description('check a spec against both live schemas and print the run plan and its warnings')
    .argument('<spec>', 'migration spec (YAML or JSON)')
    .option('--json', 'print the plan as JSON')
    .option('--ddl', 'print the DDL a run would execute on the target, in its order, instead')
    .option('--staging <url>', 'the staging database a staged run would use (default: STAGING_DATABASE_URL)')
    .option('--dag', 'print the run as a DAG (Airflow dag_id, task ids, dependencies) instead')
    .action(
      async (file: string, opts: { json?: boolean; ddl?: boolean; dag?: boolean; staging?: string }) => {
        const { spec, lineOf } = loadSpecFile(file);
        const plan = await planMigration(
          spec,
          lineOf,
          undefined,
          stagingFromEnvironment(process.env, opts.staging),
        );
        if (opts.ddl) {
          process.stdout.write(
            opts.json ? `${JSON.stringify(plan.ddl ?? null, null, 2)}\n` : renderDdl(plan),
          );
          return;
        }
        if (opts.dag) {
          const dag = buildRunDag(plan);
          process.stdout.write(opts.json ? `${JSON.stringify(dag, null, 2)}\n` : renderDag(dag));
          return;
        }
        process.stdout.write(opts.json ? `${JSON.stringify(planJson(plan), null, 2)}\n` : renderPlan(plan));
      },
    );
}
