import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { migrateStore } from '../../src/migrate.ts';
import { connectPostgres } from '../../src/postgres-connect.ts';
import { connectSqlite } from '../../src/sqlite-connect.ts';

/**
 * What openStore does at start-up, in a process of its own: connect, then (when told to go on
 * standard input) migrate, and print what it applied. The gate lets a test start several at the
 * same instant. It skips the engine (openStore's URL checks) so that the processes start quickly.
 */
export interface MigratingProcess {
  /** Settles once the process has connected and waits for go(). */
  readonly ready: Promise<void>;
  go(): void;
  /** The migrations the process applied. */
  readonly applied: Promise<string[]>;
}

export function startMigratingProcess(kind: 'postgres' | 'sqlite', where: string): MigratingProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), kind, where]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const ready = new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes('ready\n')) resolve();
    });
  });
  const applied = new Promise<string[]>((resolve, reject) => {
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as string[])
        : reject(new Error(`child exited ${code}: ${stderr}`)),
    );
  });
  return { ready, go: () => child.stdin.end('go\n'), applied };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [kind, where] = process.argv.slice(2) as ['postgres' | 'sqlite', string];
  const db = kind === 'postgres' ? connectPostgres(where) : connectSqlite(where);
  process.stderr.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdout.write(JSON.stringify(await migrateStore(db, kind)));
  await db.destroy();
}
