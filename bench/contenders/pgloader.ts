import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DATA_DIR, MYSQL, MYSQL_DB, PG, PG_TARGET_DB } from '../config.ts';
import { measure } from '../measure.ts';
import type { Contender } from './contender.ts';
import { lastLines } from './databridge.ts';

/**
 * pgloader's WITH clause: `data only` because every contender loads into the same pre-created tables.
 * Everything else is pgloader's default (workers 4, concurrency 1, batch rows 25,000, prefetch rows
 * 100,000). With `data only` pgloader still drops the target's foreign keys, loads both tables at once
 * and adds the foreign keys back (validating them) before it exits: its own strategy, timed with it.
 */
export const PGLOADER_WITH = 'data only';

const target = `postgresql://${PG.user}@${PG.host}:${PG.port}/${PG_TARGET_DB}`;

/** The load command: only the two tables (SQLite's sqlite_stat tables have no target). */
export function pgloaderCommand(source: { kind: 'mysql' } | { kind: 'sqlite'; file: string }): string {
  if (source.kind === 'mysql') {
    return `LOAD DATABASE
  FROM mysql://${MYSQL.user}@${MYSQL.host}:${MYSQL.port}/${MYSQL_DB}
  INTO ${target}
WITH ${PGLOADER_WITH}
INCLUDING ONLY TABLE NAMES MATCHING 'customers', 'orders'
ALTER SCHEMA '${MYSQL_DB}' RENAME TO 'public'
;
`;
  }
  return `LOAD DATABASE
  FROM sqlite://${source.file}
  INTO ${target}
WITH ${PGLOADER_WITH}
INCLUDING ONLY TABLE NAMES LIKE 'customers', 'orders'
;
`;
}

/** pgloader (the Debian package) reading the source directly, its logs kept under bench/.data. */
export function pgloader(id: string, command: string): Contender {
  const dir = resolve(DATA_DIR, 'pgloader', id);
  const file = resolve(DATA_DIR, `pgloader-${id}.load`);
  return {
    id: 'pgloader',
    label: 'pgloader',
    role: 'baseline',
    async run() {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, command);
      const measured = await measure('pgloader', [
        '--root-dir',
        dir,
        '--logfile',
        resolve(dir, 'pgloader.log'),
        file,
      ]);
      writeFileSync(resolve(dir, 'output.log'), `${measured.stdout}\n${measured.stderr}`);
      const failed = measured.code !== 0 || /\bERROR\b|\bFATAL\b/.test(measured.stdout + measured.stderr);
      return {
        measured,
        error: failed ? `exit ${measured.code}: ${lastLines(measured.stdout + measured.stderr)}` : null,
      };
    },
  };
}
