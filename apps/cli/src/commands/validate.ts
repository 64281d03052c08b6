import { loadSpecFile, validateFull } from '@databridge/engine';
import { Command } from 'commander';

/**
 * `databridge validate <spec> [--full] [--json]`: compares every mapped table whole, source against
 * target (counts; with `--full` the checksums too). Exit 1 when a table differs.
 */
export function validateCommand(): Command {
  return new Command('validate')
    .description(
      'compare every mapped table whole, source against target: row counts, and with --full checksums (reads both tables)',
    )
    .argument('<spec>', 'migration spec (YAML or JSON)')
    .option('--full', 'compare the checksum of every copied column too')
    .option('--json', 'print the comparison as JSON')
    .action(async (file: string, opts: { full?: boolean; json?: boolean }) => {
      const { spec, lineOf } = loadSpecFile(file);
      const tables = await validateFull(spec, { lineOf, checksums: opts.full === true });
      const differ = tables.filter((t) => t.problems.length > 0);
      if (opts.json) process.stdout.write(`${JSON.stringify(tables, null, 2)}\n`);
      else {
        const n = (x: number) => x.toLocaleString('en-US');
        for (const t of tables) {
          const checksum =
            'matches' in t.checksum
              ? `checksum ${t.checksum.matches ? 'equal' : 'DIFFERENT'}`
              : `checksum skipped: ${t.checksum.skipped}`;
          const verdict = t.problems.length === 0 ? 'equal' : t.problems.join('; ');
          process.stdout.write(
            `${t.table}: ${n(t.sourceRows)} source rows, ${n(t.targetRows)} target rows, ${checksum}: ${verdict}\n`,
          );
        }
        process.stdout.write(
          differ.length === 0
            ? `All ${tables.length} table(s) equal.\n`
            : `${differ.length} of ${tables.length} table(s) differ.\n`,
        );
      }
      if (differ.length > 0) process.exitCode = 1;
    });
}
