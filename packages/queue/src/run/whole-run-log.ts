import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { executionPrefix, makePrivateDir, PRIVATE_FILE_MODE } from '@databridge/engine';
import { listLogEntries, type Store } from '@databridge/store';

/**
 * Writes an execution's run.log in its local folder again from the metadata store, which holds the
 * lines of every process that ran part of it. With BullMQ each worker appends only its own lines to
 * its own folder's run.log, so the one the reporting worker uploads would lack the tasks and stages
 * the others ran. The lines keep the file's shape (time, level, message, fields), without stacks:
 * every role reads run.log, and stacks are the monitor's for editors and admins.
 */
export async function writeWholeRunLog(store: Store, reportsDir: string, executionId: string): Promise<void> {
  const folder = join(reportsDir, executionPrefix(executionId));
  makePrivateDir(folder);
  const file = join(folder, 'run.log');
  const partial = `${file}.${process.pid}.partial`;
  const out = createWriteStream(partial, { mode: PRIVATE_FILE_MODE });
  try {
    let cursor: string | undefined;
    do {
      const page = await listLogEntries(store, executionId, {
        order: 'oldest',
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      const lines = page.items.map(
        (e) => `${JSON.stringify({ time: e.time, level: e.level, message: e.message, ...e.fields })}\n`,
      );
      if (lines.length > 0 && !out.write(lines.join(''))) await once(out, 'drain');
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    out.end();
    await once(out, 'close');
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
  await rename(partial, file);
}
