/** A loader thread for a SQLite source (see run/threads/task-threads.ts): loads this driver only. */
import { parseConnectionUrl } from '../connectors/url.ts';
import { serveTasks } from '../run/threads/serve-tasks.ts';
import { SqliteConnection } from './sqlite-connection.ts';

serveTasks((url, options) => SqliteConnection.open(parseConnectionUrl(url), options));
