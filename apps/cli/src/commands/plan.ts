import { loadSpecFile, planMigration } from '@databridge/engine';
import { Command } from 'commander';
import { planJson, renderPlan } from '../render/plan.ts';

export function planCommand(): Command {
  return new Command('plan')
    .description('check a spec against both live schemas and print the run plan and its warnings')
    .argument('<spec>', 'migration spec (YAML or JSON)')
    .option('--json', 'print the plan as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { spec, lineOf } = loadSpecFile(file);
      const plan = await planMigration(spec, lineOf);
      process.stdout.write(opts.json ? `${JSON.stringify(planJson(plan), null, 2)}\n` : renderPlan(plan));
    });
}
