/**
 * A TCP proxy to `port` on 127.0.0.1 that can go silent: after `freeze()` it forwards nothing in
 * either direction and closes nothing, like a server whose machine vanished (a half-open connection
 * neither side is told about).
 */
export async function freezableProxy(port: number): Promise<{ port: number; freeze(): void; close(): void }> {
  const { createServer, connect } = await import('node:net');
  let frozen = false;
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
    }
    // With back-pressure, as a network has: the server can send no faster than the client takes.
    const forward = (from: import('node:net').Socket, to: import('node:net').Socket) => {
      from.on('data', (d) => {
        if (!frozen && !to.write(d)) from.pause();
      });
      to.on('drain', () => frozen || from.resume());
    };
    forward(client, upstream);
    forward(upstream, client);
    client.on('close', () => frozen || upstream.destroy());
    upstream.on('close', () => frozen || client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as import('node:net').AddressInfo;
  return {
    port: address.port,
    freeze: () => {
      frozen = true;
    },
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}
