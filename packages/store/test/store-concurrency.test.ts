import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createConnection, listProjects, openStore } from '../src/index.ts';
import { freshStorePlace } from './support/stores.ts';

const CHILD = fileURLToPath(new URL('./support/contend-child.ts', import.meta.url));

function run(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', () => resolve(out.trim()));
  });
}

it('three processes writing one SQLite store with read-then-write transactions all succeed (no "database is locked")', async () => {
  const place = await freshStorePlace('sqlite');
  const store = await openStore(place.options);
  try {
    const source = await createConnection(store, { name: 's', url: 'sqlite:a.sqlite' });
    const target = await createConnection(store, { name: 't', url: 'sqlite:b.sqlite' });
    const args = (tag: string) => [
      place.options.dataDir,
      place.options.sessionSecret,
      tag,
      source.id,
      target.id,
    ];
    const results = await Promise.all([run(args('a')), run(args('b')), run(args('c'))]);
    assert.deepEqual(results, ['done', 'done', 'done']);
    assert.equal((await listProjects(store)).length, 180);
  } finally {
    await store.close();
    await place.drop();
  }
});
