import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

/**
 * DataBridge's files (the metadata store, reports, logs, rejected rows, run state) hold data and
 * credentials: only the user the process runs as may read them, whatever the umask.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Creates `dir` and any missing parents as 0700 (folders that exist already keep their mode). */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Makes sure `file` exists and is 0600, before a library (SQLite) creates it with the umask's mode;
 * SQLite gives its -wal and -shm files the database file's mode. An existing file is narrowed too,
 * so a store written by an older version stops being world-readable.
 */
export function makePrivateFile(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}
