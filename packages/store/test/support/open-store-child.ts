import { fileURLToPath } from 'node:url';
import { migrateStore } from '../../src/migrate.ts';
import { connectPostgres } from '../../src/postgres-connect.ts';
import { connectSqlite } from '../../src/sqlite-connect.ts';
import { startGatedChild, waitForGo } from './gated-child.ts';

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
  const child = startGatedChild<string[]>([fileURLToPath(import.meta.url), kind, where]);
  return { ready: child.ready, go: child.go, applied: child.result };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [kind, where] = process.argv.slice(2) as ['postgres' | 'sqlite', string];
  const db = kind === 'postgres' ? connectPostgres(where) : connectSqlite(where);
  await waitForGo();
  process.stdout.write(JSON.stringify(await migrateStore(db, kind)));
  await db.destroy();
}
