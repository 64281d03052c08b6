// A second process on the same SQLite store: read-then-write transactions in a loop, as a scheduler
// or worker beside the server does. Prints "done" or the error.
import { createProject, inTransaction, listProjects, openStore } from '../../src/index.ts';

const [dataDir, secret, tag, sourceId, targetId] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const store = await openStore({ dataDir, sessionSecret: secret });
try {
  for (let i = 0; i < 60; i++) {
    await inTransaction(store, async (tx) => {
      const count = (await listProjects(tx)).length;
      await createProject(tx, {
        name: `${tag}-${i}-${count}`,
        sourceConnectionId: sourceId,
        targetConnectionId: targetId,
        spec: {
          version: 1,
          name: 'x',
          source: { url: 'sqlite:a.sqlite' },
          target: { url: 'sqlite:b.sqlite' },
          mappings: [{ source: 'a', target: 'b', columns: [{ source: 'id', target: 'id' }] }],
        },
      });
    });
  }
  process.stdout.write('done\n');
} catch (error) {
  process.stdout.write(`failed: ${(error as Error).message}\n`);
} finally {
  await store.close();
}
