import { Command, CommanderError } from 'commander';
import { artefactsCommand } from './commands/artefacts.ts';
import { demoCommand } from './commands/demo.ts';
import { initCommand } from './commands/init.ts';
import { inspectCommand } from './commands/inspect.ts';
import { planCommand } from './commands/plan.ts';
import { previewCommand } from './commands/preview.ts';
import { reportCommand } from './commands/report.ts';
import { resetStateCommand } from './commands/reset-state.ts';
import { runCommand } from './commands/run.ts';
import { stagingCommand } from './commands/staging.ts';
import { validateCommand } from './commands/validate.ts';
import { exitCodeFor, printError } from './errors.ts';
import { addServerCommands } from './server-commands.ts';

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
program.addCommand(reportCommand());
program.addCommand(resetStateCommand());
program.addCommand(validateCommand());
program.addCommand(demoCommand());
program.addCommand(artefactsCommand());
program.addCommand(stagingCommand());
await addServerCommands(program);

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
