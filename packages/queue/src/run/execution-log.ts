import type { RunLogEntry } from '@databridge/engine';
import { appendLogEntries, type NewLogEntry, type Store } from '@databridge/store';

/**
 * Collects an execution's log lines and writes them to the store in batches (at most a second late),
 * so a busy run does not pay one insert per line. `flush` writes what is left; call it at the end.
 */
export class ExecutionLog {
  private pending: NewLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly executionId: string,
  ) {}

  /** The engine's log sink. */
  readonly sink = (entry: RunLogEntry): void => {
    const { stack, ...fields } = entry.fields as { stack?: unknown };
    this.add({
      time: entry.time,
      level: entry.level,
      message: entry.message,
      stack: typeof stack === 'string' ? stack : null,
      fields,
    });
  };

  add(entry: NewLogEntry): void {
    this.pending.push(entry);
    this.timer ??= setTimeout(() => void this.flush(), 1000);
  }

  /** An error with its stack, for the monitor's log view. */
  error(message: string, error: unknown, fields: Record<string, unknown> = {}): void {
    this.add({
      level: 'error',
      message,
      stack: error instanceof Error ? (error.stack ?? null) : null,
      fields,
    });
  }

  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const entries = this.pending;
    this.pending = [];
    this.writing = this.writing.then(() =>
      entries.length > 0
        ? appendLogEntries(this.store, this.executionId, entries).catch(() => {})
        : undefined,
    );
    await this.writing;
  }
}
