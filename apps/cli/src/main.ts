import { Command, CommanderError } from 'commander';
import { demoCommand } from './commands/demo.ts';
import { initCommand } from './commands/init.ts';
import { inspectCommand } from './commands/inspect.ts';
import { planCommand } from './commands/plan.ts';
import { previewCommand } from './commands/preview.ts';
import { rotateSecretCommand } from './commands/rotate-secret.ts';
import { runCommand } from './commands/run.ts';
import { schedulerCommand } from './commands/scheduler.ts';
import { serveCommand } from './commands/serve.ts';
import { workerCommand } from './commands/worker.ts';
import { exitCodeFor, printError } from './errors.ts';

const program = new Command()
  .name('databridge')
  .description('Move tables between PostgreSQL, MySQL/MariaDB and SQLite at bulk-load speed.')
  .option('--verbose', 'print stack traces of errors')
  .showHelpAfterError()
  .exitOverride();

program.addCommand(inspectCommand());
program.addCommand(initCommand());
program.addCommand(planCommand());
program.addCommand(previewCommand());
program.addCommand(runCommand());
program.addCommand(demoCommand());
program.addCommand(serveCommand());
program.addCommand(schedulerCommand());
program.addCommand(workerCommand());
program.addCommand(rotateSecretCommand());

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; a usage error has been printed by commander already.
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else {
    printError(error, program.opts().verbose === true);
    process.exitCode = exitCodeFor(error);
  }
}
