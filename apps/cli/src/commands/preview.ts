import { dryRun, type LoadedSpec, loadSpecFile, previewMigration } from '@databridge/engine';
import { Command, InvalidArgumentError } from 'commander';
import { renderDryRun, renderPreview } from '../render/preview.ts';

export function previewCommand(): Command {
  return (
    new Command('preview')
      .description(
        'show sample rows of each mapping as read and as the target would get them; writes nothing',
      )
      .argument('<spec>', 'migration spec (YAML or JSON)')
      // A bad option is bad input (exit 2): let the error reach main instead of commander exiting 1.
      .exitOverride()
      .option('--table <name>', 'only the mappings that read or write this table (case-insensitive)')
      .option('--rows <n>', 'sample rows per mapping, the first in source key order', wholeNumber, 10)
      .option('--json', 'print the previews as JSON')
      .action(async (file: string, opts: { table?: string; rows: number; json?: boolean }) => {
        const { spec, lineOf } = loadSpecFile(file);
        const previews = await previewMigration({
          spec,
          lineOf,
          rows: opts.rows,
          ...(opts.table !== undefined ? { table: opts.table } : {}),
        });
        process.stdout.write(opts.json ? `${JSON.stringify(previews, null, 2)}\n` : renderPreview(previews));
      })
  );
}

/**
 * `run <spec> --limit N`: loads at most N rows per table in one transaction that is rolled back and
 * prints what would happen. Exit code 0 when no row would be rejected, 1 otherwise.
 */
export async function runDryRun(
  loaded: LoadedSpec,
  options: { limit: number; json?: boolean },
): Promise<void> {
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once('SIGINT', onSignal);
  try {
    const result = await dryRun({
      spec: loaded.spec,
      lineOf: loaded.lineOf,
      limit: options.limit,
      signal: abort.signal,
    });
    process.stdout.write(options.json ? `${JSON.stringify(result, null, 2)}\n` : renderDryRun(result));
    process.exitCode = result.totals.rowsRejected === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/** Commander's parser for a count option: a whole number of at least 1 (a bad one exits 2). */
export function wholeNumber(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError('expected a whole number of at least 1');
  }
  return n;
}
