/** A loader thread for a MySQL/MariaDB source (see run/threads/task-threads.ts): loads this driver only. */
import { parseConnectionUrl } from '../connectors/url.ts';
import { serveTasks } from '../run/threads/serve-tasks.ts';
import { MysqlConnection } from './mysql-connection.ts';

serveTasks((url, options) => MysqlConnection.open(parseConnectionUrl(url), options));
