import { appendFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { makePrivateDir, makePrivateFile } from '../private-files.ts';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

/** One log line as a sink receives it (the metadata store keeps them for the monitor). */
export interface RunLogEntry {
  readonly time: string;
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

/**
 * The run's log: JSON lines (time, level, message, fields) in the run's report folder, keeping the
 * entries at or above the pipeline's log level. Never given a secret: callers pass ids and counts.
 */
export class RunLog {
  private readonly threshold: number;

  constructor(
    readonly file: string,
    level: LogLevel,
    private readonly sink?: (entry: RunLogEntry) => void,
  ) {
    this.threshold = RANK[level];
    makePrivateDir(dirname(file));
    makePrivateFile(file); // the file exists even when nothing reaches the level
  }

  debug(message: string, fields: Record<string, unknown> = {}): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields: Record<string, unknown> = {}): void {
    this.write('info', message, fields);
  }
  warning(message: string, fields: Record<string, unknown> = {}): void {
    this.write('warning', message, fields);
  }
  error(message: string, fields: Record<string, unknown> = {}): void {
    this.write('error', message, fields);
  }

  private write(level: LogLevel, message: string, fields: Record<string, unknown>): void {
    if (RANK[level] < this.threshold) return;
    const time = new Date().toISOString();
    appendFileSync(this.file, `${JSON.stringify({ time, level, message, ...fields })}\n`);
    this.sink?.({ time, level, message, fields });
  }
}
