import { readFileSync } from 'node:fs';
import { loadSpecFile, stagingFromEnvironment } from '@databridge/engine';
import { Command, Option } from 'commander';
import { execute } from './execute.ts';
import { runDryRun, wholeNumber } from './preview.ts';

export function runCommand(): Command {
  return (
    new Command('run')
      .description('execute a migration spec')
      .argument('<spec>', 'migration spec (YAML or JSON)')
      // A bad option is bad input (exit 2): let the error reach main instead of commander exiting 1.
      .exitOverride()
      .option('--json', 'print one JSON summary at the end instead of the progress bar and table')
      .option('--resume <run-id>', 'finish an interrupted run from its checkpoints')
      .option(
        '--staging <url>',
        'stage the run in this PostgreSQL database (default: STAGING_DATABASE_URL when the spec says pipeline.staging: database)',
      )
      .addOption(
        new Option(
          '--retries <n>',
          "after a transient error (a lost connection, a deadlock), go on from the checkpoints up to n times, waiting as the spec's schedule.retries says (default: its maxRetries, else 0)",
        ).argParser(wholeNumber),
      )
      .addOption(
        new Option(
          '--limit <n>',
          'dry run: load at most n rows per table in one transaction, roll it back and report what would be rejected',
        )
          .argParser(wholeNumber)
          .conflicts('resume'),
      )
      .action(
        async (
          file: string,
          opts: { json?: boolean; resume?: string; limit?: number; retries?: number; staging?: string },
        ) => {
          const loaded = loadSpecFile(file);
          const staging = stagingFromEnvironment(process.env, opts.staging);
          if (opts.limit !== undefined) {
            await runDryRun(loaded, { limit: opts.limit, json: opts.json });
            return;
          }
          await execute(loaded, {
            json: opts.json,
            resume: opts.resume,
            specText: readFileSync(file, 'utf8'),
            ...(staging ? { staging } : {}),
            ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
          });
        },
      )
  );
}
