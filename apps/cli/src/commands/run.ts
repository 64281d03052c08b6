import { readFileSync } from 'node:fs';
import { loadSpecFile } from '@databridge/engine';
import { Command } from 'commander';
import { execute } from './execute.ts';

export function runCommand(): Command {
  return new Command('run')
    .description('execute a migration spec')
    .argument('<spec>', 'migration spec (YAML or JSON)')
    .option('--json', 'print one JSON summary at the end instead of the progress bar and table')
    .option('--resume <run-id>', 'finish an interrupted run from its checkpoints')
    .action(async (file: string, opts: { json?: boolean; resume?: string }) => {
      const loaded = loadSpecFile(file);
      await execute(loaded, { json: opts.json, resume: opts.resume, specText: readFileSync(file, 'utf8') });
    });
}
