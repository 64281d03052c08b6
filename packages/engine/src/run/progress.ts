import type { StageId } from '../plan/plan-types.ts';

/** The states of a run's stages and tasks: the one state machine the store enforces (store/statuses.ts). */
export type StageStatus =
  | 'pending'
  | 'queued'
  | 'running'
  | 'paused'
  | 'completed'
  | 'failed'
  | 'skipped'
  | 'cancelled'
  | 'interrupted';

export interface StageProgress {
  readonly id: StageId;
  status: StageStatus;
  startedAt: number | null;
  endedAt: number | null;
}

export interface TableProgress {
  readonly mappingId: string;
  readonly source: string;
  readonly target: string;
  readonly stage: 'load_dimensions' | 'load_facts';
  /** Source rows to move (exact count at the start of the run). */
  rowsTotal: number;
  /** True when rowsTotal comes from the database's statistics rather than a count. */
  rowsTotalIsEstimate: boolean;
  rowsRead: number;
  /** Rows committed. */
  rowsWritten: number;
  /** Rows sent into a transaction not committed yet (a `replace` load commits at its end). */
  rowsUncommitted?: number;
  /** Of rowsWritten, the rows an earlier attempt committed (a `--resume`): not this attempt's. */
  rowsWrittenBefore?: number;
  rowsRejected: number;
  /** Milliseconds spent waiting for the source and for the target, summed over batches. */
  readMs: number;
  writeMs: number;
  startedAt: number | null;
  endedAt: number | null;
  status: StageStatus;
}

/** The live state of a run, mutated by the runner and read by whoever shows it. */
export interface RunProgress {
  readonly runId: string;
  readonly startedAt: number;
  readonly stages: StageProgress[];
  readonly tables: TableProgress[];
}

export function totals(progress: RunProgress): {
  done: number;
  total: number;
  failed: number;
  rowsPerSecond: number;
} {
  let done = 0;
  let total = 0;
  let failed = 0;
  for (const t of progress.tables) {
    done += t.rowsWritten;
    total += t.rowsTotal;
    failed += t.rowsRejected;
  }
  // docs/throughput.md: rows written in this attempt per second of its load stages' running time.
  const now = Date.now();
  const seconds = progress.stages
    .filter((s) => (s.id === 'load_dimensions' || s.id === 'load_facts') && s.startedAt !== null)
    .reduce((n, s) => n + ((s.endedAt ?? now) - s.startedAt!) / 1000, 0);
  const written = done - progress.tables.reduce((n, t) => n + (t.rowsWrittenBefore ?? 0), 0);
  return { done, total, failed, rowsPerSecond: seconds > 0 ? written / seconds : 0 };
}

export function tableSeconds(t: TableProgress): number {
  if (t.startedAt === null) return 0;
  return ((t.endedAt ?? Date.now()) - t.startedAt) / 1000;
}
