import { copyFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rawExec, type TestDatabase } from './databases.ts';

/** The Chinook sample (MIT licence) shipped in fixtures/chinook at the repository root. */
export const CHINOOK_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/chinook');
export const CHINOOK_SQLITE = join(CHINOOK_DIR, 'Chinook_Sqlite.sqlite');

/** Row counts of the 11 Chinook tables, by PascalCase name. */
export const CHINOOK_COUNTS: Readonly<Record<string, number>> = {
  Artist: 275,
  Album: 347,
  Genre: 25,
  MediaType: 5,
  Track: 3503,
  Playlist: 18,
  PlaylistTrack: 8715,
  Employee: 8,
  Customer: 59,
  Invoice: 412,
  InvoiceLine: 2240,
};

/** Loads the PascalCase Chinook (schema and data) into a fresh MySQL/MariaDB database. */
export async function loadChinookMysql(db: TestDatabase): Promise<void> {
  const script = readFileSync(join(CHINOOK_DIR, 'Chinook_MySql.sql'), 'utf8')
    .replace(/DROP DATABASE IF EXISTS `Chinook`;/, '')
    .replace(/CREATE DATABASE `Chinook`;/, '')
    .replace(/USE `Chinook`;/, '');
  await rawExec(db, 'mysql', script);
}

/**
 * Loads the snake_case Chinook PostgreSQL schema into a fresh database, with its data or (the usual
 * migration target) empty.
 */
export async function loadChinookPostgres(db: TestDatabase, options: { withData: boolean }): Promise<void> {
  let script = readFileSync(join(CHINOOK_DIR, 'Chinook_PostgreSql.sql'), 'utf8')
    .replace(/DROP DATABASE IF EXISTS chinook;/, '')
    .replace(/CREATE DATABASE chinook;/, '')
    .replace(/\\c chinook;/, '');
  if (!options.withData) script = script.replace(/^INSERT INTO[\s\S]*?;\s*$/gm, '');
  await rawExec(db, 'postgres', script);
}

/** Copies the PascalCase Chinook SQLite file to the fresh database's path. */
export function loadChinookSqlite(db: TestDatabase): void {
  copyFileSync(CHINOOK_SQLITE, db.name);
}
