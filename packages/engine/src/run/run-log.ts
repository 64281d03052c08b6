import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

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
  ) {
    this.threshold = RANK[level];
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, ''); // the file exists even when nothing reaches the level
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
    appendFileSync(
      this.file,
      `${JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })}\n`,
    );
  }
}
