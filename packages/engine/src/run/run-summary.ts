import type { PlanWarning, StageId } from '../plan/plan-types.ts';
import type { StageStatus } from './progress.ts';
import type { TableValidation } from './validate.ts';

export type RunOutcome = 'completed' | 'failed' | 'cancelled';

export interface TableSummary {
  readonly mappingId: string;
  readonly source: string;
  readonly target: string;
  readonly stage: 'load_dimensions' | 'load_facts';
  readonly rowsRead: number;
  readonly rowsWritten: number;
  readonly rowsRejected: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

export interface StageSummary {
  readonly id: StageId;
  readonly status: StageStatus;
  readonly seconds: number;
}

/** Everything a run reports: printed by `--json`, written as report.json and rendered as report.html. */
export interface RunSummary {
  readonly runId: string;
  readonly specName: string;
  readonly status: RunOutcome;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly source: string;
  readonly target: string;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly seconds: number;
  readonly stages: readonly StageSummary[];
  readonly tables: readonly TableSummary[];
  readonly totals: {
    readonly rowsRead: number;
    readonly rowsWritten: number;
    readonly rowsRejected: number;
    readonly rowsPerSecond: number;
  };
  readonly warnings: readonly PlanWarning[];
  readonly validation: readonly TableValidation[];
  readonly report: { readonly json: string; readonly html: string } | null;
  /** Set when the run stopped part-way: the command that finishes it. */
  readonly resumeWith: string | null;
}
