import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { confineSqliteFile } from '@databridge/engine';
import { EnvError, readServerEnv } from '../src/env.ts';
import { sqliteFolderOf } from '../src/services/sqlite-files.ts';

// DATABRIDGE_SQLITE_DIR: where a server's SQLite connections may point. The data folder's own files
// stay out of reach however it is set.
describe('the SQLite folder from the environment', () => {
  const root = mkdtempSync(join(tmpdir(), 'databridge-sqlite-folder-'));
  const dataDir = join(root, 'data');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('defaults to <data folder>/files', () => {
    const env = readServerEnv({ DATABRIDGE_DATA_DIR: dataDir, SESSION_SECRET: 'x'.repeat(32) });
    assert.equal(env.sqliteDir, join(dataDir, 'files'));
  });

  it('refuses the data folder itself or another folder of its own, naming the variable and the way out', () => {
    for (const given of [dataDir, join(dataDir, 'reports'), join(dataDir, 'files', '..')]) {
      assert.throws(
        () =>
          readServerEnv({
            DATABRIDGE_DATA_DIR: dataDir,
            DATABRIDGE_SQLITE_DIR: given,
            SESSION_SECRET: 'x'.repeat(32),
          }),
        (error: Error) =>
          error instanceof EnvError &&
          /^environment variable DATABRIDGE_SQLITE_DIR must not be the data folder .* \(use .*files or a folder outside it\)$/.test(
            error.message,
          ),
        given,
      );
    }
  });

  it('a folder around the data folder is allowed, but the store and the secret inside it are still refused', () => {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'databridge.sqlite'), '');
    writeFileSync(join(root, 'shop.sqlite'), '');
    const env = readServerEnv({
      DATABRIDGE_DATA_DIR: dataDir,
      DATABRIDGE_SQLITE_DIR: root,
      SESSION_SECRET: 'x'.repeat(32),
    });
    const folder = sqliteFolderOf(env);
    assert.equal(confineSqliteFile(join(root, 'shop.sqlite'), folder), join(root, 'shop.sqlite'));
    for (const own of ['databridge.sqlite', 'session-secret', join('reports', 'x.sqlite')]) {
      assert.throws(() => confineSqliteFile(join(dataDir, own), folder), /is one of the server’s own files/);
    }
    assert.throws(() => confineSqliteFile(join(dirname(root), 'elsewhere.sqlite'), folder), /is outside it/);
  });
});
