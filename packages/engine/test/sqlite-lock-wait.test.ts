import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { openConnection } from '../src/connectors/open.ts';
import { column, table } from './support/builders.ts';

const CHILD = join(import.meta.dirname, 'support/sqlite-lock-child.ts');
const target = table('item', [column('id', 'int64', { nullable: false }), column('who', 'text')], ['id']);

function freshFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'databridge-lock-')), 'target.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.close();
  return file;
}

/** Starts a child (see support/sqlite-lock-child.ts) and waits for it to print `line`. */
async function child(args: string[], line: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: string) => {
      out += chunk;
      if (out.split('\n').includes(line)) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`child ${args[0]} exited with ${code} before "${line}"`)));
  });
  return proc;
}

async function exited(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null) return proc.exitCode;
  const [code] = await once(proc, 'exit');
  return code as number | null;
}

/** Counts the event loop's turns while `work` runs: a busy wait inside SQLite would allow none. */
async function withTicks<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number; ms: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 20);
  const started = Date.now();
  try {
    const result = await work();
    return { result, ticks, ms: Date.now() - started };
  } finally {
    clearInterval(timer);
  }
}

describe('SQLite write lock held by another process', () => {
  test("another program's transaction: the load waits for its commit, its event loop still turning", async () => {
    const file = freshFile();
    const conn = await openConnection(`sqlite:${file}`, { sqliteLockWaitMs: 10_000 });
    try {
      await conn.query(conn.dialect.createTable(target, target));
      const holder = await child(['foreign', file, '1500'], 'held');
      const { result: session, ticks, ms } = await withTicks(() => conn.loader.begin());
      await session.write({ table: target, columns: target.columns }, [[1, 'after']], 'append', []);
      await session.commit();
      assert.equal(await exited(holder), 0);
      assert.ok(ms >= 1000, `waited ${ms} ms for a lock held 1.5 s`);
      assert.ok(ticks >= (ms / 20) * 0.5, `${ticks} timer ticks in ${ms} ms: the event loop was blocked`);
      assert.deepEqual(await conn.query('SELECT count(*) AS n FROM item'), [{ n: 1 }]);
    } finally {
      await conn.close();
    }
  });

  test('another program holding it past the limit: a message naming the file and what to do', async () => {
    const file = freshFile();
    const conn = await openConnection(`sqlite:${file}`, { sqliteLockWaitMs: 1000 });
    const holder = await child(['foreign', file, '60000'], 'held');
    try {
      const started = Date.now();
      await assert.rejects(conn.loader.begin(), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'transient');
        assert.match(error.message, new RegExp(`Cannot write to ${file.replace(/[.]/g, '\\.')}`));
        assert.match(error.message, /another program has held its write lock for 1 s without committing/);
        assert.match(error.message, /Close the program/);
        return true;
      });
      const ms = Date.now() - started;
      assert.ok(ms >= 1000 && ms < 5000, `gave up after ${ms} ms`);
    } finally {
      holder.kill();
      await exited(holder);
      await conn.close();
    }
  });

  test("DataBridge's own writer in another process holding it past the limit is waited for", async () => {
    const file = freshFile();
    const conn = await openConnection(`sqlite:${file}`, { sqliteLockWaitMs: 500 });
    try {
      await conn.query(conn.dialect.createTable(target, target));
      const holder = await child(['ours', file, '2500'], 'held');
      const { result: session, ms } = await withTicks(() => conn.loader.begin());
      await session.commit();
      assert.equal(await exited(holder), 0);
      assert.ok(ms >= 1500, `waited ${ms} ms for a load session held 2.5 s`);
    } finally {
      await conn.close();
    }
  });

  test('two DataBridge processes loading one file at once: every row of both arrives', async () => {
    const file = freshFile();
    const rows = 20_000;
    const conn = await openConnection(`sqlite:${file}`);
    try {
      for (const name of ['left_side', 'right_side']) {
        const t = { ...target, name };
        await conn.query(conn.dialect.createTable(t, t));
      }
      const loaders = await Promise.all([
        child(['load', file, 'left_side', String(rows)], 'started'),
        child(['load', file, 'right_side', String(rows)], 'started'),
      ]);
      assert.deepEqual(await Promise.all(loaders.map(exited)), [0, 0]);
      for (const name of ['left_side', 'right_side']) {
        assert.deepEqual(await conn.query(`SELECT count(*) AS n FROM ${name}`), [{ n: rows }], name);
      }
      assert.equal(existsSync(`${file}-databridge-writer`), false, 'no holder file left beside the database');
    } finally {
      await conn.close();
    }
  });

  test("a holder file left by a killed writer does not make another program's lock look like ours", async () => {
    const file = freshFile();
    // A pid no process has: the writer that wrote it is gone.
    writeFileSync(`${file}-databridge-writer`, JSON.stringify({ pid: 2 ** 22 + 1, host: hostname() }));
    const conn = await openConnection(`sqlite:${file}`, { sqliteLockWaitMs: 500 });
    const holder = await child(['foreign', file, '60000'], 'held');
    try {
      await assert.rejects(conn.loader.begin(), /another program has held its write lock/);
    } finally {
      holder.kill();
      await exited(holder);
      await conn.close();
    }
  });

  test("a link planted under the holder file's name is replaced, never written through", async () => {
    const file = freshFile();
    const victim = `${file}.victim`;
    writeFileSync(victim, 'untouched');
    symlinkSync(victim, `${file}-databridge-writer`);
    const conn = await openConnection(`sqlite:${file}`);
    try {
      const session = await conn.loader.begin();
      await session.commit();
    } finally {
      await conn.close();
    }
    assert.equal(readFileSync(victim, 'utf8'), 'untouched');
  });
});
