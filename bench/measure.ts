import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './sh.ts';

export interface Measured {
  /** Wall-clock seconds from spawn to exit. */
  readonly seconds: number;
  /** Peak resident set size in MB (GNU time's %M: the largest of the process and its children). */
  readonly peakRssMb: number | null;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a program under `/usr/bin/time -f %M`, which reads the kernel's maximum RSS of the process it
 * waited for (ru_maxrss) rather than sampling it, and times it with the monotonic clock. Give the
 * program itself (node, pgloader, bash) so that the RSS is the worker's, not a launcher's.
 */
export async function measure(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'databridge-bench-'));
  const rssFile = join(dir, 'rss');
  try {
    const started = performance.now();
    const result = await run('/usr/bin/time', ['-f', '%M', '-o', rssFile, command, ...args], { env });
    const seconds = (performance.now() - started) / 1000;
    // On a failure GNU time writes "Command exited with non-zero status N" before the figure.
    const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1));
    return { seconds, peakRssMb: Number.isFinite(kb) ? kb / 1024 : null, ...result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
