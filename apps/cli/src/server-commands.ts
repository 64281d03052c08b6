import { Command } from 'commander';

/** The server commands, by name, with the line `databridge --help` shows for each. */
const SERVER_COMMANDS: Record<string, string> = {
  serve: 'start the web app (wizard, live monitor, HTTP API) with the embedded store and executor',
  scheduler: 'start scheduled runs and send alerts, ticking every few seconds until stopped; run one or many',
  worker: 'execute queued runs from Redis (REDIS_URL) until stopped; run one or many, on any machine',
  'rotate-secret':
    're-encrypt stored credentials under NEW_SESSION_SECRET (stop the server and workers first)',
  airflow: "Airflow: export a project's or a spec's DAG file (airflow export <project|spec> [-o file])",
};

/**
 * Adds the server commands: the real ones (from their own bundle, dist/server.mjs, or from source)
 * when one of them is being run, else placeholders that only list them in the help.
 */
export async function addServerCommands(program: Command): Promise<void> {
  const name = process.argv.slice(2).find((arg) => !arg.startsWith('-'));
  if (name && name in SERVER_COMMANDS) {
    const bundled = import.meta.url.endsWith('.mjs');
    const entry = new URL(bundled ? './server.mjs' : './server/index.ts', import.meta.url).href;
    const { serverCommands } = (await import(entry)) as typeof import('./server/index.ts');
    for (const command of serverCommands()) program.addCommand(command);
    return;
  }
  for (const [command, description] of Object.entries(SERVER_COMMANDS)) {
    program.addCommand(new Command(command).description(description));
  }
}
