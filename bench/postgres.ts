import type { Readable } from 'node:stream';
import { PG } from './config.ts';
import { check } from './sh.ts';

const connection = (database: string) => [
  '-h',
  PG.host,
  '-p',
  String(PG.port),
  '-U',
  PG.user,
  '-d',
  database,
];

/** Runs SQL through psql (one implicit transaction for several statements) and returns unaligned rows. */
export async function psql(database: string, sql: string): Promise<string[][]> {
  const out = await check('psql', [
    '-X',
    '-q',
    '-At',
    '-F',
    '\t',
    '-v',
    'ON_ERROR_STOP=1',
    ...connection(database),
    '-c',
    sql,
  ]);
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

/** Streams COPY text lines into a table. */
export async function copyIn(database: string, table: string, lines: Readable): Promise<void> {
  await check(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...connection(database), '-c', `COPY ${table} FROM STDIN`],
    {
      input: lines,
    },
  );
}

/** Creates the database when missing (CREATE DATABASE cannot run inside a transaction block). */
export async function ensurePgDatabase(database: string): Promise<void> {
  const found = await psql('postgres', `SELECT 1 FROM pg_database WHERE datname = '${database}'`);
  if (found.length === 0) await psql('postgres', `CREATE DATABASE ${database}`);
}

/** The command line psql needs for `database`, for pipelines built as shell text. */
export function psqlCommand(database: string, sql: string): string {
  return ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', ...connection(database), '-c', shellQuote(sql)].join(
    ' ',
  );
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export async function pgVersion(): Promise<string> {
  const [[version] = []] = await psql('postgres', 'SHOW server_version');
  return version ?? 'unknown';
}
