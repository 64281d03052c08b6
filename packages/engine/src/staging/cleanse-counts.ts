/** The steps of the cleanse stage, in the order they run on a mapping's staged rows. */
export const CLEANSE_STEPS = ['transforms', 'types', 'checks', 'dedupe'] as const;
export type CleanseStep = (typeof CLEANSE_STEPS)[number];

/** What one step of the cleanse did to a mapping's staged rows. */
export interface CleanseStepCount {
  readonly step: CleanseStep;
  /** Rows the step was given: those no earlier step took out. */
  readonly rowsIn: number;
  /** Rows the step took out, each in the rejects file with its reason. */
  readonly rejected: number;
  readonly rowsOut: number;
  /**
   * The rows taken out are what the spec asked for (duplicates dropped by `dedupe: keep first | last`),
   * not faults: the error policy does not count them.
   */
  readonly byDesign: boolean;
}

/** The cleanse of one mapping: staged = rejected by the steps + passed on to the load. */
export interface CleanseSummary {
  readonly mappingId: string;
  /** Target table, `schema.table`. */
  readonly table: string;
  /** Rows the extract copied into staging (the source rows read). */
  readonly staged: number;
  readonly steps: readonly CleanseStepCount[];
  /** Rows left for the load. */
  readonly passed: number;
}

/** Every row the cleanse took out of a mapping (for counts: source = loaded + rejected). */
export function cleanseRemoved(summary: CleanseSummary | undefined): number {
  return summary ? summary.staged - summary.passed : 0;
}

/** The rows the error policy counts: everything taken out but duplicates dropped by design. */
export function cleanseFaults(summary: CleanseSummary | undefined): number {
  return (summary?.steps ?? []).reduce((n, s) => n + (s.byDesign ? 0 : s.rejected), 0);
}
