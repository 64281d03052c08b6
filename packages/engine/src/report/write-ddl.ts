import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SchemaDdl } from '../plan/schema-ddl-types.ts';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../private-files.ts';

/**
 * Writes `ddl.sql` beside the report: the statements that built the target, before the load then
 * after it, as the run executed them (an audit of what DataBridge did to the target). Nothing when the
 * run created no tables.
 */
export function writeDdl(ddl: SchemaDdl | undefined, reportsDir: string, runId: string): string | null {
  if (!ddl || ddl.beforeLoad.length + ddl.afterLoad.length === 0) return null;
  const dir = resolve(reportsDir, runId);
  makePrivateDir(dir);
  const part = (title: string, list: SchemaDdl['beforeLoad']) =>
    list.length ? [`-- ${title} (${list.length} statements)`, ...list.map((s) => `${s.sql};`), ''] : [];
  const text = [
    `-- DDL of run ${runId}`,
    '',
    ...part('before the load', ddl.beforeLoad),
    ...part('after the load', ddl.afterLoad),
  ].join('\n');
  const file = join(dir, 'ddl.sql');
  writeFileSync(file, text, { mode: PRIVATE_FILE_MODE });
  return file;
}
