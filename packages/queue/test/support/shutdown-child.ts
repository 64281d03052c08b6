import { join } from 'node:path';
import { openStore } from '@databridge/store';
import { InProcessExecutor } from '../../src/executor/in-process-executor.ts';

// What `databridge serve` does with its in-process executor, alone in a process a test can signal:
// resume what a previous server left, drive it, and on SIGTERM close the executor (tasks get the
// grace, then their statements are ended and the executions left interrupted) and exit.
const [dataDir, sessionSecret, graceMs] = process.argv.slice(2) as [string, string, string];
const store = await openStore({ dataDir, sessionSecret });
const executor = new InProcessExecutor({
  store,
  reportsDir: join(dataDir, 'reports'),
  stopGraceMs: Number(graceMs),
});
let stopping = false;
process.once('SIGTERM', async () => {
  stopping = true;
  await executor.close();
  await store.close();
  process.exit(0);
});
const resumed = await executor.recoverInterrupted();
process.stdout.write(`resumed ${JSON.stringify(resumed)}\n`);
for (const id of resumed) await executor.settled(id);
if (!stopping) {
  await executor.close();
  await store.close();
}
