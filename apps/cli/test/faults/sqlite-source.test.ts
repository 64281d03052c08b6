import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { TestDatabase } from '../../../../packages/engine/test/support/databases.ts';
import { startCli } from '../cli-helpers.ts';
import { exactFacts, faultPair, faultSpec, targetFacts, targetRows, until } from './fault-fixtures.ts';

/**
 * An SQLite source has no connection to kill from outside: the file is opened in this process. What
 * can happen to it is another process locking it (a long write transaction) or the file being removed.
 */
const databases: TestDatabase[] = [];
after(async () => {
  await Promise.allSettled(databases.map((d) => d.drop()));
});

function runCli(args: string[], dir: string) {
  const child = startCli(args, { DATABRIDGE_DATA_DIR: dir });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d) => (out.stdout += d));
  child.stderr!.on('data', (d) => (out.stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, out, exited };
}

describe('SQLite source faults (CLI)', () => {
  test('a source locked by another process is a transient failure; --retries goes on once it is free, exact', async () => {
    const pair = await faultPair('sqlite', databases);
    const lock = new Database(pair.source.name);
    lock.exec('BEGIN EXCLUSIVE');
    try {
      const { dir, specFile } = faultSpec(
        pair,
        '{ batchSize: 500, parallelism: 1 }',
        'schedule: { retries: { maxRetries: 0, delayMinutes: 0.02 } }\n',
      );
      const run = runCli(['run', specFile, '--json', '--retries', '1'], dir);
      await until(
        async () => /transient error: .*locked/.test(run.out.stderr),
        'the locked source to be reported',
      );
      lock.exec('COMMIT');
      assert.equal(await run.exited, 0, run.out.stderr);
      assert.match(run.out.stderr, /another process holds the write lock\)\nretry 1 of 1 in 1\.2 s/);
      assert.equal(JSON.parse(run.out.stdout).status, 'completed');
      assert.deepEqual(await targetFacts(pair), exactFacts(pair));
    } finally {
      if (lock.inTransaction) lock.exec('ROLLBACK');
      lock.close();
    }
  });

  test('the source file removed mid-read: the open handle still reads it, and the copy is exact', async () => {
    const pair = await faultPair('sqlite', databases);
    const { dir, specFile } = faultSpec(pair);
    const run = runCli(['run', specFile, '--json'], dir);
    await until(async () => (await targetRows(pair, 'entries')) >= 2_000, 'the first entries');
    const { rmSync } = await import('node:fs');
    rmSync(pair.source.name);
    assert.equal(await run.exited, 0, run.out.stderr);
    assert.deepEqual(await targetFacts(pair), exactFacts(pair));
  });
});

describe('a full disk under an SQLite target (CLI)', () => {
  test('SQLITE_FULL ends the run with its summary, its run id, a clear message and the resume command', async (t) => {
    const { execFileSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { freshDatabase, rawExec } = await import('../../../../packages/engine/test/support/databases.ts');
    // A 1 MB file system is a full disk on demand; mounting one takes root.
    const disk = mkdtempSync(join(tmpdir(), 'databridge-disk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk], { stdio: 'ignore' });
    } catch {
      t.skip('mounting a small file system needs root');
      return;
    }
    try {
      const source = await freshDatabase('postgres');
      databases.push(source);
      await rawExec(
        source,
        'postgres',
        "CREATE TABLE t (id bigint PRIMARY KEY, v text); INSERT INTO t SELECT g, repeat('x', 300) FROM generate_series(1, 20000) g;",
      );
      const dir = mkdtempSync(join(tmpdir(), 'databridge-full-'));
      const specFile = join(dir, 'spec.yaml');
      writeFileSync(
        specFile,
        `name: full\nsource: { url: "${source.url}" }\ntarget: { url: "sqlite:${join(disk, 'target.sqlite')}" }\n` +
          'pipeline: { batchSize: 500, createTables: true }\n' +
          'mappings: [{ source: t, target: t, columns: [{ source: id, target: id }, { source: v, target: v }] }]\n',
      );
      const run = runCli(['run', specFile, '--json'], dir);
      assert.equal(await run.exited, 1, run.out.stderr);
      const summary = JSON.parse(run.out.stdout);
      assert.equal(summary.status, 'failed');
      assert.match(summary.error.message, /is full: the disk holding it has no space left/);
      assert.match(run.out.stderr, new RegExp(`^run ${summary.runId}$`, 'm'));
      assert.equal(summary.resumeWith, `databridge run <spec> --resume ${summary.runId}`);
      assert.doesNotMatch(run.out.stderr, /unexpected error/);
    } finally {
      execFileSync('umount', [disk], { stdio: 'ignore' });
    }
  });
});
