import type { Command } from 'commander';
import { airflowCommand } from './airflow.ts';
import { rotateSecretCommand } from './rotate-secret.ts';
import { schedulerCommand } from './scheduler.ts';
import { serveCommand } from './serve.ts';
import { workerCommand } from './worker.ts';

/**
 * The long-running server commands. They need the metadata store, BullMQ, Redis and Next.js, which
 * take a second to load: they live in a bundle of their own (dist/server.mjs), loaded only when one
 * of them runs, so `databridge run` and the other CLI commands start in a fraction of that.
 */
export function serverCommands(): Command[] {
  return [serveCommand(), schedulerCommand(), workerCommand(), rotateSecretCommand(), airflowCommand()];
}
