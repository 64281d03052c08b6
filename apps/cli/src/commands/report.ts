import { existsSync } from 'node:fs';
import { DataBridgeError, SqliteRunState, writeReport } from '@databridge/engine';
import { Command } from 'commander';
import { reportsDir, stateFile } from '../paths.ts';

/** `databridge report <run-id>`: writes a finished run's report.json and report.html again. */
export function reportCommand(): Command {
  return new Command('report')
    .description("write a finished run's JSON and HTML report again, from the run's recorded state")
    .argument('<run-id>', 'the run, as `databridge run` printed it')
    .action(async (runId: string) => {
      if (!existsSync(stateFile())) throw noRun(runId);
      const state = new SqliteRunState(stateFile());
      try {
        const run = await state.getRun(runId);
        if (!run) throw noRun(runId);
        const summary = state.finishedSummary(runId);
        if (!summary) {
          throw new DataBridgeError(
            'bad_spec',
            `run ${runId} has not finished, so it has no report yet: finish it with databridge run <spec> --resume ${runId}`,
          );
        }
        const paths = writeReport(summary, reportsDir());
        process.stdout.write(`report: ${paths.html}\njson: ${paths.json}\n`);
      } finally {
        state.close();
      }
    });
}

function noRun(runId: string): DataBridgeError {
  return new DataBridgeError(
    'bad_spec',
    `there is no run "${runId}" in ${stateFile()} (set DATABRIDGE_DATA_DIR to the data folder the run used)`,
  );
}
