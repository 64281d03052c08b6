import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';

/**
 * While one of DataBridge's writers holds a file's write lock, a small file beside it
 * (`<file>-databridge-writer`) names the process. A writer of another process that finds the lock
 * taken reads it to tell DataBridge's own tasks (waited for without limit: a table loaded in one
 * transaction holds the lock for its whole load) from another program (waited for a bounded time).
 * It is written and removed only while the SQLite lock is held, so writers never remove each other's.
 */
const Holder = z.object({ pid: z.number().int().positive(), host: z.string() });

export function holderFileOf(file: string): string {
  return `${file}-databridge-writer`;
}

/** Records this process as the holder; a folder that refuses the file only costs the distinction. */
export function markHolder(file: string): void {
  const path = holderFileOf(file);
  const text = JSON.stringify({ pid: process.pid, host: hostname() });
  // `wx` creates the file afresh and never follows a link planted under its name into another file;
  // one left by a killed writer is removed first.
  const write = () => writeFileSync(path, text, { flag: 'wx', mode: 0o600 });
  try {
    try {
      write();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      clearHolder(file);
      write();
    }
  } catch {
    // Without the file a waiter treats the holder as another program: it waits a bounded time.
  }
}

export function clearHolder(file: string): void {
  try {
    unlinkSync(holderFileOf(file));
  } catch {
    // Already gone, or never written.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a live DataBridge process says it holds the lock. A holder on another host (a shared
 * folder) cannot be checked and is believed; one on this host whose process is gone left a stale file.
 */
export function heldByDataBridge(file: string): boolean {
  let text: string;
  try {
    text = readFileSync(holderFileOf(file), 'utf8');
  } catch {
    return false;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  const holder = Holder.safeParse(parsed);
  if (!holder.success) return false;
  return holder.data.host !== hostname() || alive(holder.data.pid);
}
