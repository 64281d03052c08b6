import { spawn } from 'node:child_process';

/**
 * A test's child process that gets ready (connects), says so, waits for go(), does its work and
 * prints the result as JSON. Several released together by go() act at the same instant.
 */
export interface GatedChild<T> {
  /** Settles once the child is ready and waits for go(). */
  readonly ready: Promise<void>;
  go(): void;
  /** What the child printed, parsed; rejects with its standard error when it fails. */
  readonly result: Promise<T>;
}

/** Starts `node --import tsx <args>`, a script that calls `waitForGo()` once it is ready. */
export function startGatedChild<T>(args: readonly string[]): GatedChild<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const ready = new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes('ready\n')) resolve();
    });
  });
  const result = new Promise<T>((resolve, reject) => {
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(stdout) as T) : reject(new Error(`child exited ${code}: ${stderr}`)),
    );
  });
  return { ready, go: () => child.stdin.end('go\n'), result };
}

/** In the child: tells the parent it is ready, then waits for its go. */
export async function waitForGo(): Promise<void> {
  process.stderr.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
}
