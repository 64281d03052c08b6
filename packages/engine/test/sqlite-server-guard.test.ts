import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openConnection, type SqliteFolder } from '../src/index.ts';
import { refusedWord } from '../src/sqlite/sqlite-server-guard.ts';

// The server passes a folder and SQLite refuses what would reach another file; the CLI passes none
// and keeps every statement (the user owns the machine).
describe('SQLite on a server: statements that reach other files', () => {
  let dir: string;
  let folder: SqliteFolder;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'databridge-guard-'));
    folder = { folder: dir };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const disguised = (file: string) => [
    `ATTACH DATABASE '${file}' AS other`,
    `/* a comment */ aTtAcH '${file}' AS "other"`,
    `-- a line comment\nattach\n'${file}'\nas other`,
    `VACUUM INTO '${file}'`,
    `vacuum main into '${file}'`,
    `SELECT load_extension('${file}')`,
  ];

  it('a server connection refuses ATTACH, VACUUM INTO and load_extension however they are written; no file appears', async () => {
    const connection = await openConnection(`sqlite:${join(dir, 'db.sqlite')}`, { sqliteFolder: folder });
    try {
      for (const [i, sql] of disguised(join(dir, 'x.sqlite')).entries()) {
        await assert.rejects(connection.query(sql), /not allowed on a server connection|not authorized/, sql);
        assert.equal(existsSync(join(dir, 'x.sqlite')), false, `statement ${i} wrote no file`);
      }
      await assert.rejects(connection.query('DETACH other'), /DETACH is not allowed/);
      // Ordinary statements still run, VACUUM included.
      await connection.query('CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT)');
      await connection.query("INSERT INTO t (note) VALUES ('attach vacuum into')");
      await connection.query('VACUUM');
      assert.deepEqual(await connection.query('SELECT note FROM t'), [{ note: 'attach vacuum into' }]);
    } finally {
      await connection.close();
    }
  });

  it('without a folder (the CLI) ATTACH and VACUUM INTO work as SQLite makes them', async () => {
    const connection = await openConnection(`sqlite:${join(dir, 'cli.sqlite')}`);
    try {
      await connection.query(`ATTACH DATABASE '${join(dir, 'attached.sqlite')}' AS other`);
      await connection.query(`VACUUM INTO '${join(dir, 'copy.sqlite')}'`);
      assert.ok(existsSync(join(dir, 'attached.sqlite')));
      assert.ok(existsSync(join(dir, 'copy.sqlite')));
    } finally {
      await connection.close();
    }
  });

  // SQLite keeps a few settings for the whole process: the folder of every handle's temporary files
  // (the metadata store's too) and its memory limits. Preparing such a PRAGMA sets it, so even the
  // EXPLAIN that checks a statement must not see it. trusted_schema is the guard's own safety.
  it('a server connection refuses PRAGMAs that change every SQLite handle of the process, in a script too', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'databridge-guard-tmp-'));
    const connection = await openConnection(`sqlite:${join(dir, 'pragma.sqlite')}`, { sqliteFolder: folder });
    const other = await openConnection(`sqlite:${join(dir, 'other.sqlite')}`);
    const settings = async () => ({
      tempDir: await other.query('PRAGMA temp_store_directory'),
      heap: await other.query('PRAGMA hard_heap_limit'),
    });
    try {
      const before = await settings();
      for (const sql of [
        `PRAGMA temp_store_directory = '${elsewhere}'`,
        `pragma "temp_store_directory" = '${elsewhere}'`,
        'PRAGMA hard_heap_limit = 1',
        'PRAGMA soft_heap_limit = 1',
        'PRAGMA trusted_schema = ON',
        `SELECT 1; PRAGMA temp_store_directory = '${elsewhere}'`,
      ]) {
        await assert.rejects(connection.query(sql), /not allowed on a server connection/, sql);
      }
      assert.deepEqual(await settings(), before, 'no setting of the process changed');
      // The schema is still untrusted: a view may not call an unsafe function.
      await connection.query(`CREATE VIEW unsafe AS SELECT load_extension('${join(elsewhere, 'x')}') AS x`);
      await assert.rejects(connection.query('SELECT x FROM unsafe'), /unsafe use of load_extension/);
      // The connection's own settings still read and change.
      await connection.query('PRAGMA cache_size = 500');
      assert.deepEqual(await connection.query('PRAGMA cache_size'), [{ cache_size: 500 }]);
    } finally {
      await connection.close();
      await other.close();
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('a script is read as SQLite tokenizes it: words in strings, quoted names and comments do not count', () => {
    assert.equal(
      refusedWord('SELECT \'attach\'; SELECT "vacuum" FROM [detach] -- load_extension'),
      undefined,
    );
    assert.equal(refusedWord('SELECT 1; /* x */ Attach x AS y'), 'ATTACH');
    assert.equal(refusedWord("SELECT 'it''s'; vacuum into 'f'"), 'VACUUM');
  });
});
