import {
  DataBridgeError,
  dropStagingSchema,
  expiredRuns,
  type HeldStaging,
  heldRuns,
  heldStaging,
  listStagingSchemas,
  maskPassword,
  pruneStaging,
  type StagingDatabase,
  stagingFromEnvironment,
  stagingSchemaName,
} from '@databridge/engine';
import { Command } from 'commander';

/**
 * `databridge staging list | drop <run> | prune`: the runs' schemas held in the staging database
 * (STAGING_DATABASE_URL, or `--staging <url>`) with their sizes, and removing one by hand, e.g. a
 * failed run's that will not be retried.
 */
export function stagingCommand(): Command {
  const command = new Command('staging')
    .description('list or drop the runs held in the staging database (STAGING_DATABASE_URL or --staging)')
    .exitOverride();
  command
    .command('list')
    .exitOverride()
    .description('each run with a schema in the staging database: tables and size on disk')
    .option('--staging <url>', 'the staging database (default: STAGING_DATABASE_URL)')
    .option('--json', 'one JSON document')
    .action(async (opts: { staging?: string; json?: boolean }) => {
      const staging = configured(opts.staging);
      print(staging, await listStagingSchemas(staging), opts.json === true);
    });
  command
    .command('drop')
    .exitOverride()
    .description("drop a run's staging schema and everything in it")
    .argument('<run>', 'the run id, or the schema name `databridge staging list` prints')
    .option('--staging <url>', 'the staging database (default: STAGING_DATABASE_URL)')
    .action(async (run: string, opts: { staging?: string }) => {
      const staging = configured(opts.staging);
      if (!(await dropStagingSchema(staging, run))) {
        throw new DataBridgeError(
          'internal',
          `the staging database holds no schema for run ${run} (see databridge staging list)`,
        );
      }
      process.stdout.write(`dropped ${run.startsWith('databridge_stage_') ? run : stagingSchemaName(run)}\n`);
    });
  command
    .command('prune')
    .exitOverride()
    .description(
      "drop the schemas whose retention has run out: keepStaging for completed runs, DATABRIDGE_STAGING_FAILED_RETENTION_DAYS (default 7) for failed, cancelled and paused ones; never a running run's",
    )
    .option('--staging <url>', 'the staging database (default: STAGING_DATABASE_URL)')
    .option('--failed-days <days>', 'days a failed, cancelled or paused run keeps its schema (default: 7)')
    .option('--dry-run', 'say what would be dropped, drop nothing')
    .action(async (opts: { staging?: string; failedDays?: string; dryRun?: boolean }) => {
      const staging = configured(opts.staging);
      const failedDays = days(opts.failedDays ?? process.env.DATABRIDGE_STAGING_FAILED_RETENTION_DAYS);
      const now = new Date();
      const limits = failedDays === undefined ? {} : { failedDays };
      const gone = opts.dryRun
        ? expiredRuns(await heldRuns(await heldStaging(staging)), now, limits).map(({ run, why }) => ({
            schema: run.schema,
            why,
          }))
        : await pruneStaging(staging, now, limits);
      const verb = opts.dryRun ? 'would drop' : 'dropped';
      for (const g of gone) process.stdout.write(`${verb} ${g.schema}: ${g.why}\n`);
      process.stdout.write(`${gone.length} schema(s) ${verb}\n`);
    });
  return command;
}

/** A number of days from the option or the environment variable; a bad one names where it came from. */
function days(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 3650) {
    throw new DataBridgeError(
      'bad_spec',
      `--failed-days (or DATABRIDGE_STAGING_FAILED_RETENTION_DAYS) must be a whole number of days from 1 to 3650, not "${text}"`,
    );
  }
  return n;
}

function configured(flag: string | undefined): StagingDatabase {
  const staging = stagingFromEnvironment(process.env, flag);
  if (staging) return staging;
  throw new DataBridgeError(
    'bad_spec',
    'no staging database is configured: set STAGING_DATABASE_URL to a PostgreSQL URL, or pass --staging <url>',
  );
}

function print(staging: StagingDatabase, held: readonly HeldStaging[], json: boolean): void {
  const bytes = held.reduce((n, s) => n + s.bytes, 0);
  const where = `staging database ${maskPassword(staging.url)}`;
  if (json) {
    process.stdout.write(`${JSON.stringify({ staging: where, runs: held, bytes }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${where}: ${held.length} run(s) held, ${size(bytes)}\n`);
  for (const s of held)
    process.stdout.write(
      `  ${s.schema}  ${String(s.tables).padStart(3)} table(s)  ${size(s.bytes).padStart(10)}\n`,
    );
}

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes / 1024;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${n.toFixed(1)} ${units[unit]}`;
}
