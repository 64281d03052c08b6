import { existsSync, writeFileSync } from 'node:fs';
import { buildRunDag, loadSpecFile, planMigration, renderAirflowDagFile } from '@databridge/engine';
import { findProjectId, openServiceContext, projectAirflowFile, readServerEnv } from '@databridge/queue';
import { Command } from 'commander';

/**
 * `databridge airflow export <project|spec> [-o file]`: the Airflow DAG file of a project in the
 * metadata store (by id or name), or of a spec file (then `--project-id` names the project on the
 * DataBridge server the DAG starts). Prints the file, or writes it to `-o`. Changes nothing: the
 * web's "Deploy to Airflow" also hands the project's timetable to Airflow.
 */
export function airflowCommand(): Command {
  const command = new Command('airflow').description('Airflow: export a project as an Airflow DAG file');
  command
    .command('export')
    .description("write a project's (or a spec file's) Airflow DAG file, for Airflow 2.7+ and 3.x")
    .argument('<project|spec>', 'a project id or name in the metadata store, or a spec file (YAML or JSON)')
    .option('-o, --output <file>', 'write the DAG file here instead of printing it')
    .option('--project-id <id>', 'for a spec file: the id of the project on the DataBridge server to start')
    .action(async (ref: string, opts: { output?: string; projectId?: string }) => {
      const file = existsSync(ref) ? await fromSpec(ref, opts.projectId) : await fromStore(ref);
      if (opts.output) {
        writeFileSync(opts.output, file.text);
        process.stderr.write(`wrote ${file.dagId} to ${opts.output}\n`);
      } else {
        process.stdout.write(file.text);
      }
    });
  return command;
}

async function fromSpec(path: string, projectId: string | undefined) {
  const { spec, lineOf } = loadSpecFile(path);
  const dag = buildRunDag(await planMigration(spec, lineOf));
  if (!projectId) {
    process.stderr.write(
      `note: the DAG starts the DataBridge project "${spec.name}"; give --project-id with its id on the server\n`,
    );
  }
  const text = renderAirflowDagFile({
    dag,
    projectId: projectId ?? spec.name,
    projectName: spec.name,
    ...(spec.schedule ? { schedule: spec.schedule } : {}),
  });
  return { dagId: dag.dagId, text };
}

async function fromStore(ref: string) {
  const context = await openServiceContext(readServerEnv());
  try {
    return await projectAirflowFile(context, await findProjectId(context, ref));
  } finally {
    await context.close();
  }
}
