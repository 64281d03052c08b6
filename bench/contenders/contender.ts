import type { Measured } from '../measure.ts';

/** What one timed run of one contender produced (the target is checked separately, afterwards). */
export interface ContenderRun {
  readonly measured: Measured;
  /** The contender's own word that it failed (exit code, DataBridge status), else null. */
  readonly error: string | null;
  /** DataBridge's own account of the run, from `run --json`. */
  readonly databridge?: DataBridgeAccount;
  /** DataBridge runs: engineVersion() as the run started. */
  readonly engine?: string;
}

export interface DataBridgeAccount {
  readonly status: string;
  readonly seconds: number;
  readonly stages: Readonly<Record<string, number>>;
  readonly rowsWritten: number;
}

/**
 * One way of moving the two tables into the empty target. `databridge` marks DataBridge runs (their
 * peak RSS is reported); `baseline` marks what DataBridge is compared with on its path.
 */
export interface Contender {
  readonly id: string;
  readonly label: string;
  readonly role: 'databridge' | 'baseline';
  /** The DataBridge run the path's headline figures come from. */
  readonly headline?: boolean;
  /** A DataBridge run through a staging database: compared with the headline (direct) run of its path. */
  readonly staged?: boolean;
  run(): Promise<ContenderRun>;
}
