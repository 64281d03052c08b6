import { executionEvents } from '@databridge/queue';
import { route } from '../../../../../lib/api.ts';
import { ExecutionId } from '../../../../../lib/execution-route.ts';

export const dynamic = 'force-dynamic';

/** A comment line this often keeps proxies from closing a quiet stream (a paused execution). */
const KEEP_ALIVE_MS = 15_000;

/**
 * Server-Sent Events: `status` events carrying the execution's status and counters each time they
 * change, in order, numbered by `id:`; after the terminal state an `end` event, then the stream closes.
 * An unknown id is a JSON 404, not a stream.
 */
export const GET = route<{ id: string }>('read', async (call) => {
  const { request } = call;
  const id = call.id(ExecutionId);
  const events = executionEvents(call.context, id, { signal: request.signal });
  const first = await events.next(); // throws not_found before any byte of the stream is sent
  const encoder = new TextEncoder();
  let sequence = 0;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (event: string, data: unknown) => {
        sequence += 1;
        controller.enqueue(
          encoder.encode(`id: ${sequence}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
        );
      };
      keepAlive = setInterval(() => controller.enqueue(encoder.encode(': keep-alive\n\n')), KEEP_ALIVE_MS);
      try {
        if (!first.done) send('status', first.value);
        let last = first.done ? undefined : first.value;
        for await (const view of events) {
          send('status', view);
          last = view;
        }
        if (!request.signal.aborted) send('end', { executionId: id, status: last?.status ?? null });
      } catch (error) {
        send('error', { message: error instanceof Error ? error.message : String(error) });
      } finally {
        clearInterval(keepAlive);
        controller.close();
      }
    },
    async cancel() {
      clearInterval(keepAlive);
      await events.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    },
  });
});
