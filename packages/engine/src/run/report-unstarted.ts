import { join, resolve } from 'node:path';
import { maskPassword } from '../connectors/url.ts';
import { isDataBridgeError, messageOf } from '../errors.ts';
import { STAGES } from '../plan/plan-types.ts';
import { writeReport } from '../report/write-report.ts';
import type { RunSummary } from './run-summary.ts';

export interface UnstartedRun {
  readonly runId: string;
  readonly specName: string;
  readonly sourceUrl: string;
  readonly targetUrl: string;
  readonly startedAt: Date;
  /** Why nothing ran (a spec that no longer fits the databases, an unknown SQL function, ...). */
  readonly failure: unknown;
  readonly reportsDir: string;
}

/**
 * The report of a run that failed before any row moved (its plan or its connections were refused):
 * every stage skipped but the first, no tables, and the reason as the error. Every run that ends has
 * a report, even one that only says why nothing ran.
 */
export function reportUnstartedRun(run: UnstartedRun): RunSummary {
  const endedAt = new Date();
  const summary: RunSummary = {
    runId: run.runId,
    specName: run.specName,
    status: 'failed',
    error: {
      code: isDataBridgeError(run.failure) ? run.failure.code : 'internal',
      message: `nothing ran: ${messageOf(run.failure)}`,
    },
    source: maskPassword(run.sourceUrl),
    target: maskPassword(run.targetUrl),
    startedAt: run.startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    seconds: (endedAt.getTime() - run.startedAt.getTime()) / 1000,
    stages: STAGES.map((id) => ({
      id,
      status: id === 'extract' ? 'failed' : id === 'report' ? 'completed' : 'skipped',
      seconds: 0,
    })),
    tables: [],
    totals: { rowsRead: 0, rowsWritten: 0, rowsRejected: 0, rowsPerSecond: 0 },
    warnings: [],
    validation: [],
    hooks: [],
    rules: [],
    rejectedRows: [],
    report: null,
    log: join(resolve(run.reportsDir, run.runId), 'run.log'),
    resumeWith: null,
  };
  return { ...summary, report: writeReport(summary, run.reportsDir) };
}
