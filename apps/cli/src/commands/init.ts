import { writeFileSync } from 'node:fs';
import { maskPassword, openConnection, renderSpecYaml, suggestMappings } from '@databridge/engine';
import { Command } from 'commander';

export function initCommand(): Command {
  return new Command('init')
    .description('write a migration spec with auto-mapping suggestions for tables and columns')
    .requiredOption('--source <url>', 'source database URL')
    .requiredOption('--target <url>', 'target database URL')
    .option('-o, --output <file>', 'write the spec here instead of printing it')
    .option('--name <name>', 'name of the migration', 'migration')
    .action(async (opts: { source: string; target: string; output?: string; name: string }) => {
      const source = await openConnection(opts.source, { poolSize: 1 });
      try {
        const target = await openConnection(opts.target, { poolSize: 1 });
        try {
          const [s, t] = await Promise.all([source.introspect(), target.introspect()]);
          const withoutState = (x: typeof s) => ({
            ...x,
            tables: x.tables.filter((tb) => !tb.name.startsWith('_databridge')),
          });
          const yaml = renderSpecYaml({
            name: opts.name,
            // Keep any password out of the file: the spec reads it from the environment instead.
            sourceUrl: maskPassword(opts.source).replace('***', envReference('SOURCE_PASSWORD')),
            targetUrl: maskPassword(opts.target).replace('***', envReference('TARGET_PASSWORD')),
            targetDialect: target.dialect.name,
            suggestions: suggestMappings(withoutState(s), withoutState(t)),
            sourceDefaultSchema: source.dialect.defaultSchema,
            targetDefaultSchema: target.dialect.defaultSchema,
          });
          if (opts.output) {
            writeFileSync(opts.output, yaml);
            process.stderr.write(`wrote ${opts.output}\n`);
          } else {
            process.stdout.write(yaml);
          }
        } finally {
          await target.close();
        }
      } finally {
        await source.close();
      }
    });
}

/** `${NAME}`, the spec's reference to an environment variable. */
function envReference(name: string): string {
  return `\${${name}}`;
}
