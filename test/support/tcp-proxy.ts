// A TCP proxy on loopback that can cut its connections, for "connection dropped mid-FETCH" tests: a real
// client and a real server, with the network failing in between.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Cut every connection once this many bytes went from server to client (per connection); null: never. */
  cutAfterBytes: number | null;
  /** Connections cut so far. */
  readonly cuts: number;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let cuts = 0;
  const proxy = {
    port: 0,
    cutAfterBytes: null as number | null,
    get cuts() {
      return cuts;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    let downstream = 0;
    const cut = () => {
      cuts++;
      client.destroy();
      upstream.destroy();
    };
    upstream.on('data', (chunk: Buffer) => {
      downstream += chunk.length;
      const limit = proxy.cutAfterBytes;
      if (limit !== null && downstream > limit) {
        // Deliver part of the chunk, then drop both sides without a goodbye, as a dead link would.
        client.write(chunk.subarray(0, Math.max(0, chunk.length - (downstream - limit))), () => cut());
        upstream.pause();
        return;
      }
      client.write(chunk);
    });
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  proxy.port = typeof address === 'object' && address ? address.port : 0;
  return proxy;
}
