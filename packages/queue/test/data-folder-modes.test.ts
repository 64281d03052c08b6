import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { openStore } from '@databridge/store';
import Database from 'better-sqlite3';
import { InProcessExecutor } from '../src/executor/in-process-executor.ts';
import { getExecutionStatus, startExecution } from '../src/services/executions-service.ts';
import { projectFor, SECRET } from './support/harness.ts';

const root = mkdtempSync(join(tmpdir(), 'databridge-modes-'));
after(() => rmSync(root, { recursive: true, force: true }));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? [path, ...walk(path)] : [path];
  });
}

it('the data folder, the store, reports, logs and rejected rows are private to the server user (0700 / 0600) under a 022 umask', async () => {
  const umask = process.umask(0o022);
  const dataDir = join(root, 'data');
  const store = await openStore({ dataDir, sessionSecret: SECRET });
  const reportsDir = join(dataDir, 'reports');
  const executor = new InProcessExecutor({ store, reportsDir });
  try {
    const source = join(root, 'source.sqlite');
    const db = new Database(source);
    // One row the target's NOT NULL refuses: the run writes a rejects file too.
    db.exec(
      "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO people VALUES (1, 'ada'), (2, NULL);",
    );
    db.close();
    const targetFile = join(root, 'target.sqlite');
    const target = new Database(targetFile);
    target.exec('CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
    target.close();
    const project = await projectFor(store, `sqlite:${source}`, `sqlite:${targetFile}`, {
      pipeline: { errorPolicy: 'continue' },
      mappings: [
        {
          source: 'people',
          target: 'people',
          columns: [
            { source: 'id', target: 'id' },
            { source: 'name', target: 'name' },
          ],
        },
      ],
    });
    const { executionId } = await startExecution({ store, executor, reportsDir } as never, {
      projectId: project.id,
    });
    await executor.settled(executionId);
    const status = await getExecutionStatus({ store } as never, executionId);
    assert.ok(['completed', 'failed'].includes(status.status), status.status);

    const paths = [dataDir, ...walk(dataDir)];
    const files = paths.filter((p) => statSync(p).isFile());
    assert.ok(
      files.some((p) => p.endsWith('databridge.sqlite')),
      `the store is in ${dataDir}`,
    );
    assert.ok(
      files.some((p) => p.includes('report')),
      `a report was written: ${files.join(', ')}`,
    );
    const open = paths
      .map((p) => ({ p, mode: statSync(p).mode & 0o777, dir: statSync(p).isDirectory() }))
      .filter(({ mode, dir }) => (dir ? mode !== 0o700 : mode !== 0o600))
      .map(({ p, mode }) => `${p.slice(root.length)} ${mode.toString(8)}`);
    assert.deepEqual(open, [], 'every folder 0700, every file 0600');
  } finally {
    await executor.close();
    await store.close();
    process.umask(umask);
  }
});
