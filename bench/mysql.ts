import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DATA_DIR, MYSQL } from './config.ts';
import { check } from './sh.ts';

const connection = () => ['-h', MYSQL.host, '-P', String(MYSQL.port), '-u', MYSQL.user];

/** Runs SQL through the mysql client and returns tab-separated rows without a header. */
export async function mysql(database: string | null, sql: string): Promise<string[][]> {
  const out = await check('mysql', [...connection(), '-N', '-B', ...(database ? [database] : []), '-e', sql]);
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

/**
 * Loads tab-separated lines into a table with LOAD DATA LOCAL INFILE, through a scratch file (the
 * client cannot open a socket as its standard input); foreign-key and unique checks are off for the
 * session because the generator's keys are right by construction.
 */
export async function loadData(database: string, table: string, columns: readonly string[], lines: Readable) {
  mkdirSync(DATA_DIR, { recursive: true });
  const file = resolve(DATA_DIR, `${table}.tsv`);
  await pipeline(lines, createWriteStream(file));
  const sql = [
    'SET SESSION foreign_key_checks = 0, unique_checks = 0',
    `LOAD DATA LOCAL INFILE '${file}' INTO TABLE ${table} CHARACTER SET utf8mb4
     FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (${columns.join(', ')})`,
  ].join(';\n');
  try {
    await check('mysql', ['--local-infile=1', ...connection(), database, '-e', sql]);
  } finally {
    rmSync(file, { force: true });
  }
}

export async function mysqlVersion(): Promise<string> {
  const [[version] = []] = await mysql(null, 'SELECT VERSION()');
  return version ?? 'unknown';
}
