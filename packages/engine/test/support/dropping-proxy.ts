import { connect, createServer, type Socket } from 'node:net';
import { freePort } from './object-store.ts';

export interface DroppingProxy {
  /** `http://127.0.0.1:<port>`: the object store's address through the proxy. */
  readonly origin: string;
  /** Resets the connection of the next `count` requests, as a server does that closed it while idle. */
  dropNext(count?: number): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy to a server on loopback that can reset a connection as a request arrives on it: what a
 * client sees when the server (or a load balancer before it) closed a kept-alive connection at the
 * moment the client sent its next request on it.
 */
export async function startDroppingProxy(targetPort: number): Promise<DroppingProxy> {
  let drops = 0;
  const clients = new Set<Socket>();
  const server = createServer((client) => {
    clients.add(client);
    const upstream = connect(targetPort, '127.0.0.1');
    client.on('data', (chunk) => {
      if (drops > 0) {
        drops -= 1;
        upstream.destroy();
        client.resetAndDestroy();
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.end());
    client.on('error', () => upstream.destroy());
    client.on('close', () => {
      clients.delete(client);
      upstream.destroy();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    dropNext(count = 1) {
      drops += count;
    },
    close: () =>
      new Promise((resolve) => {
        for (const c of clients) c.destroy();
        server.close(() => resolve());
      }),
  };
}
