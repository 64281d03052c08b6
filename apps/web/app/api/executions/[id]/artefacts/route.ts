import { Readable } from 'node:stream';
import {
  artefactDownloadUrl,
  checkArtefactDownload,
  listExecutionArtefacts,
  readExecutionArtefact,
} from '@databridge/queue';
import { z } from 'zod';
import { route } from '../../../../../lib/api.ts';
import { ExecutionId } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

const Query = z.object({ name: z.string().min(1).max(1000).optional() }).loose();

/**
 * The execution's artefacts (report, run log, rejects, DDL) with their sizes; `?name=run.log` (a name
 * from that list) streams one as a download. Read from the artefact store (the local reports folder or
 * the object store) under the execution's own id: the name is checked to stay below it.
 */
export const GET = route<{ id: string }>('read', async (call) => {
  const id = call.id(ExecutionId);
  const { name } = Query.parse(call.query());
  if (name === undefined) return { data: await listExecutionArtefacts(call.context, id) };
  checkArtefactDownload(call.actor!, id, name);
  // A presigned URL (SAP_OBJECT_STORE_PRESIGN_SECONDS): the browser fetches the bytes from the store.
  const url = await artefactDownloadUrl(call.context, id, name);
  if (url)
    return new Response(null, { status: 303, headers: { location: url, 'cache-control': 'no-store' } });
  const file = await readExecutionArtefact(call.context, id, name);
  return new Response(Readable.toWeb(file.body) as ReadableStream, {
    headers: {
      'content-type': file.contentType,
      'content-length': String(file.size),
      // Always a download: an artefact is data a run wrote, never a page of this site.
      'content-disposition': `attachment; filename="${file.fileName}"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  });
});
