import { listSqliteFiles, ServiceError, saveSqliteUpload } from '@databridge/queue';
import { route } from '../../../../lib/api.ts';

export const dynamic = 'force-dynamic';

/** The SQLite files a connection may use on this server: `{ folder, files: [{ name, path, bytes, modifiedAt }] }`. */
export const GET = route('read', async ({ context }) => ({ data: listSqliteFiles(context.env) }));

/**
 * Uploads an SQLite database into the server's SQLite folder: `POST /api/connections/files?name=shop.sqlite`
 * with the file as the raw body (no content type, as `fetch` sends a Blob or ArrayBuffer; the JSON
 * rule of the other routes does not fit a file). At most 1 GiB; 201 with the file as the list shows it.
 */
export const POST = route('edit', async (call) => {
  const body = call.request.body;
  if (!body) throw new ServiceError('bad_input', 'body: send the database file as the request body');
  const file = await saveSqliteUpload(call.context.env, call.query().name ?? '', body);
  await call.audit('connection.file.upload', null, { name: file.name, bytes: file.bytes });
  return { data: file, status: 201 };
});
