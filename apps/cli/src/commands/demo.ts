import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSpec } from '@databridge/engine';
import { Command } from 'commander';
import { dataDir } from '../paths.ts';
import { execute } from './execute.ts';

/** The repository root: the first folder upwards that holds the demo spec (from src/ or the bundle in dist/). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'examples/demo-chinook-sqlite.yaml'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error('cannot find examples/demo-chinook-sqlite.yaml above the CLI');
    dir = parent;
  }
  return dir;
}

const REPO = repoRoot();
export const DEMO_SPEC = join(REPO, 'examples/demo-chinook-sqlite.yaml');
export const DEMO_SOURCE = join(REPO, 'fixtures/chinook/Chinook_Sqlite.sqlite');

export function demoCommand(): Command {
  return new Command('demo')
    .description('migrate the Chinook sample (SQLite, bundled) into a fresh SQLite target: no server needed')
    .option('--json', 'print one JSON summary at the end')
    .action(async (opts: { json?: boolean }) => {
      const targetFile = join(dataDir(), 'demo', 'chinook-target.sqlite');
      mkdirSync(dirname(targetFile), { recursive: true });
      for (const suffix of ['', '-wal', '-shm']) rmSync(targetFile + suffix, { force: true });
      const text = readFileSync(DEMO_SPEC, 'utf8');
      const loaded = parseSpec(text, DEMO_SPEC, {
        ...process.env,
        DATABRIDGE_DEMO_SOURCE: DEMO_SOURCE,
        DATABRIDGE_DEMO_TARGET: targetFile,
      });
      if (!opts.json)
        process.stderr.write(`Chinook (SQLite, PascalCase) -> ${targetFile} (snake_case, created)\n`);
      const summary = await execute(loaded, { json: opts.json, specText: text });
      if (!opts.json && summary.status === 'completed') {
        process.stdout.write(`\nThe migrated database: ${targetFile}\nSpec that ran: ${DEMO_SPEC}\n`);
      }
    });
}
