import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Completed {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Streamed into the child's standard input, which is closed at the end. */
  readonly input?: Readable;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Runs a program (no shell) and collects its output; never throws for a non-zero exit. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<Completed> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    // A child that fails part-way closes its input: its exit code and stderr say more than EPIPE.
    let inputError: unknown = null;
    if (options.input) pipeline(options.input, child.stdin!).catch((error: unknown) => (inputError = error));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && inputError) reject(inputError);
      else resolve({ code, stdout, stderr });
    });
  });
}

/** Like `run`, but a non-zero exit is an error carrying the command's stderr. */
export async function check(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const shown = [command, ...args].join(' ').slice(0, 300);
    throw new Error(`${shown} exited with ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  }
  return result.stdout;
}
