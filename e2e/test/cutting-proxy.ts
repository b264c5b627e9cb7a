import net from 'node:net';

export interface CuttingProxy {
  url: string;
  /** Bytes clients sent through the proxy after the cut. */
  bytesAfterCut(): number;
  hasCut(): boolean;
  stop(): Promise<void>;
}

/**
 * A TCP proxy in front of `target` that cuts every connection once, when the clients have sent
 * `cutAfterBytes` through it (the chunk that crosses the mark is dropped), then counts what they
 * send afterwards. `onCut` (a gateway restart…) runs before any new connection goes through.
 */
export async function startCuttingProxy(options: {
  target: string;
  cutAfterBytes: number;
  onCut?: () => Promise<void>;
}): Promise<CuttingProxy> {
  const target = new URL(options.target);
  const sockets = new Set<net.Socket>();
  let sent = 0;
  let afterCut = 0;
  let cut = false;
  let gate: Promise<void> = Promise.resolve();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.pause();
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    void gate.then(() => {
      if (client.destroyed) return;
      const upstream = net.connect(Number(target.port), target.hostname);
      sockets.add(upstream);
      upstream.on('close', () => (sockets.delete(upstream), client.destroy()));
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.pipe(client);
      client.on('data', (chunk: Buffer) => {
        if (cut) afterCut += chunk.length;
        else if ((sent += chunk.length) >= options.cutAfterBytes) {
          cut = true;
          gate = options.onCut?.() ?? Promise.resolve();
          for (const socket of sockets) socket.destroy();
          return;
        }
        if (!upstream.write(chunk)) client.pause();
      });
      upstream.on('drain', () => client.resume());
      client.resume();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bytesAfterCut: () => afterCut,
    hasCut: () => cut,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
