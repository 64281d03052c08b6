/**
 * A second process writing one SQLite file, for sqlite-lock-wait.test.ts. Prints `held` once it has the
 * write lock (or `started` once it is loading) and `done` when it has finished.
 *
 *   foreign <file> <ms>          another program: plain better-sqlite3, BEGIN IMMEDIATE, held <ms>
 *   ours <file> <ms>             DataBridge: a load session held <ms> without committing
 *   load <file> <table> <rows>   DataBridge: <rows> rows in batches of 500, one transaction each
 */
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { openConnection } from '../../src/connectors/open.ts';
import { column, table } from './builders.ts';

const [mode, file, a, b] = process.argv.slice(2);

if (mode === 'foreign') {
  const db = new Database(file!);
  db.exec('BEGIN IMMEDIATE');
  db.exec('CREATE TABLE IF NOT EXISTS foreign_marks (at TEXT)');
  process.stdout.write('held\n');
  await sleep(Number(a));
  db.exec('COMMIT');
  db.close();
} else if (mode === 'ours') {
  const conn = await openConnection(`sqlite:${file}`);
  const session = await conn.loader.begin();
  process.stdout.write('held\n');
  await sleep(Number(a));
  await session.commit();
  await conn.close();
} else if (mode === 'load') {
  const conn = await openConnection(`sqlite:${file}`);
  const target = table(a!, [column('id', 'int64', { nullable: false }), column('who', 'text')], ['id']);
  process.stdout.write('started\n');
  const rows = Number(b);
  for (let from = 0; from < rows; from += 500) {
    const session = await conn.loader.begin();
    const batch = Array.from({ length: Math.min(500, rows - from) }, (_, i) => [
      from + i + 1,
      `${process.pid}`,
    ]);
    await session.write({ table: target, columns: target.columns }, batch, 'append', []);
    await session.commit();
    // A turn for the other process between batches, as a task's next read gives.
    await sleep(0);
  }
  await conn.close();
}
process.stdout.write('done\n');
