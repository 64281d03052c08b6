import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './sh.ts';

export interface Measured {
  /** Wall-clock seconds from spawn to exit. */
  readonly seconds: number;
  /** Peak resident set size in MB (GNU time's %M: the largest of the process and its children). */
  readonly peakRssMb: number | null;
  /**
   * CPU seconds, user + system, of the process and the children it waited for (GNU time's %U + %S):
   * unlike wall time, hardly moved by other work on a shared machine.
   */
  readonly cpuSeconds: number | null;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a program under `/usr/bin/time -f "%M %U %S"`, which reads the kernel's maximum RSS of the
 * process it waited for (ru_maxrss) rather than sampling it, and its CPU time; the wall time comes
 * from the monotonic clock. Give the
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
    const result = await run('/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, command, ...args], {
      env,
    });
    const seconds = (performance.now() - started) / 1000;
    return { seconds, ...parseTimeOutput(readFileSync(rssFile, 'utf8')), ...result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * GNU time's last line, "<max RSS KB> <user s> <system s>" (on a failure it writes "Command exited
 * with non-zero status N" on a line before it).
 */
export function parseTimeOutput(text: string): { peakRssMb: number | null; cpuSeconds: number | null } {
  const [kb, user, system] = (text.trim().split('\n').at(-1) ?? '').trim().split(/\s+/).map(Number);
  const cpu = (user ?? Number.NaN) + (system ?? Number.NaN);
  return {
    peakRssMb: Number.isFinite(kb) ? kb! / 1024 : null,
    cpuSeconds: Number.isFinite(cpu) ? cpu : null,
  };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
