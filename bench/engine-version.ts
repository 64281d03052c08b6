import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_DIR } from './config.ts';

/** What a DataBridge run executes: the launcher, its bundler and the sources it bundles. */
const SOURCES = ['apps/cli/bin', 'apps/cli/build.mjs', 'apps/cli/src', 'packages/engine/src'];

/**
 * A short hash of what a DataBridge run executes (the CLI launcher and every source it bundles): the
 * engine is edited while benchmarks run, and a result is only meaningful for one version of it. Read
 * before each DataBridge run so the report can say when the code changed part-way.
 */
export function engineVersion(): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles())
    hash.update(relative(REPO_DIR, file)).update('\0').update(readFileSync(file));
  return hash.digest('hex').slice(0, 10);
}

function sourceFiles(): string[] {
  const files: string[] = [];
  for (const source of SOURCES) {
    const path = join(REPO_DIR, source);
    if (!existsSync(path)) continue;
    if (!statSync(path).isDirectory()) files.push(path);
    else
      for (const file of readdirSync(path, { recursive: true, encoding: 'utf8' }))
        if (/\.(ts|js|mjs)$/.test(file)) files.push(join(path, file));
  }
  return files.sort();
}
