/** A loader thread for a PostgreSQL source (see run/threads/task-threads.ts): loads this driver only. */
import { parseConnectionUrl } from '../connectors/url.ts';
import { serveTasks } from '../run/threads/serve-tasks.ts';
import { PostgresConnection } from './postgres-connection.ts';

serveTasks((url, options) => PostgresConnection.open(parseConnectionUrl(url), options));
