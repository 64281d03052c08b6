import { openConnection } from '@databridge/engine';
import { Command } from 'commander';
import { renderSchema } from '../render/schema.ts';

export function inspectCommand(): Command {
  return new Command('inspect')
    .description('list schemas, tables, columns, keys and row estimates of a database')
    .argument('<url>', 'postgres://…, mysql://…, mariadb://… or sqlite:path')
    .option('--json', 'print the schema model as JSON')
    .option('--schema <names...>', 'only these schemas')
    .action(async (url: string, opts: { json?: boolean; schema?: string[] }) => {
      const conn = await openConnection(url, { poolSize: 1 });
      try {
        const schema = await conn.introspect(opts.schema ? { schemas: opts.schema } : {});
        const tables = schema.tables.filter((t) => !t.name.startsWith('_databridge'));
        if (opts.json) process.stdout.write(`${JSON.stringify({ ...schema, tables }, null, 2)}\n`);
        else process.stdout.write(renderSchema({ ...schema, tables }, conn.displayUrl));
      } finally {
        await conn.close();
      }
    });
}
