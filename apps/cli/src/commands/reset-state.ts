import { existsSync } from 'node:fs';
import { DataBridgeError, loadSpecFile, SqliteRunState } from '@databridge/engine';
import { Command } from 'commander';
import { stateFile } from '../paths.ts';

/**
 * `databridge reset-state <spec> [--table <name>]`: forgets the saved cursors of the spec's
 * incremental mappings (or of the one loading that table), so that their next run is a full load.
 */
export function resetStateCommand(): Command {
  return new Command('reset-state')
    .description("forget the saved cursors of a spec's incremental mappings: their next run is a full load")
    .argument('<spec>', 'the spec file, as given to `databridge run`')
    .option('--table <name>', 'only the mapping that loads this target (or reads this source) table')
    .action(async (file: string, options: { table?: string }) => {
      const { spec } = loadSpecFile(file);
      const incremental = spec.mappings.filter((m) => m.sync && m.sync.mode !== 'full');
      const named = (m: { source: string; target: string }) => `${m.source} → ${m.target}`;
      const table = options.table;
      const chosen = table
        ? incremental.filter((m) => [m.source, m.target].some((t) => sameTable(t, table)))
        : incremental;
      if (table && chosen.length === 0) {
        throw new DataBridgeError(
          'bad_spec',
          `no incremental mapping of ${spec.name} loads “${table}”: its incremental mappings are ${incremental.map(named).join(', ') || 'none'}`,
        );
      }
      const forgotten: string[] = [];
      if (existsSync(stateFile())) {
        const state = new SqliteRunState(stateFile());
        try {
          const saved = Object.keys(await state.savedCursors('', spec.name));
          for (const key of saved) {
            const [source = '', target = ''] = key.split(' -> ');
            const matches = chosen.some((m) => sameTable(source, m.source) && sameTable(target, m.target));
            if (matches || !table) forgotten.push(...state.resetCursors(spec.name, key));
          }
        } finally {
          state.close();
        }
      }
      if (forgotten.length === 0) {
        process.stdout.write(
          `${spec.name} has no saved cursor${table ? ` for ${table}` : ''}: its next run is a full load already.\n`,
        );
        return;
      }
      const list = forgotten.join(', ');
      process.stdout.write(
        `Forgot the cursor${forgotten.length > 1 ? 's' : ''} of ${list}: ${forgotten.length > 1 ? 'their next runs are full loads' : 'its next run is a full load'}.\n`,
      );
    });
}

/** `public.items` and `items` name the same table; a name given without a schema matches any. */
function sameTable(qualified: string, given: string): boolean {
  const a = qualified.toLowerCase();
  const b = given.toLowerCase();
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}
