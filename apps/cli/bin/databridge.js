#!/usr/bin/env -S node --max-old-space-size=160 --max-semi-space-size=4
// The heap flags keep memory flat: without a ceiling V8 lets garbage from millions of rows pile up to
// hundreds of megabytes before collecting (pages are sized to stay well inside it, see
// packages/engine/src/run/page-size.ts). Rows are read, converted and encoded on loader threads with
// heaps of their own (packages/engine/src/run/threads/task-threads.ts); the main thread writes bytes
// and commits, and with 4 MB semispaces it scavenged 17 times in a 3-million-row MariaDB run. (When
// rows went through the main thread, 8 MB semispaces spent 4.5 s of a 44 s SQLite run in 998
// scavenges and 16 MB peaked near 165 MB; with a loader thread beside it, 16 MB passed 230 MB.)
// Runs the bundled CLI (dist/databridge.mjs), rebuilding it first when any TypeScript source is newer,
// so a clone, an edit or a pull never runs stale code. DATABRIDGE_FROM_SOURCE=1 runs the sources
// through tsx instead (stack traces point at .ts lines).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const bundle = join(here, '../dist/databridge.mjs');
const packages = join(here, '../../../packages');
const sources = [join(here, '../src'), ...readdirSync(packages).map((p) => join(packages, p, 'src'))];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (process.env.DATABRIDGE_FROM_SOURCE) {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
} else {
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  if (built < Math.max(...sources.map(newestSource))) {
    const { buildCli } = await import('../build.mjs');
    await buildCli(bundle);
  }
  await import(bundle);
}
