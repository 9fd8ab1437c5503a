import net from 'node:net';
import { freePort } from '../../src/redis/free-port.js';

// A TCP proxy in front of a test's redis-server that can lose a reply on purpose: it forwards
// the chosen command, waits until Redis has answered it (so the command surely ran), then
// cuts the client's connection without passing the answer on. The client sees what a network
// drop at the worst moment looks like, deterministically.

export interface TcpProxy {
  port: number;
  url: string;
  /** Cuts the connection after the `nth` (1-based) client write containing `pattern` ran. */
  dropReplyOf(pattern: string, nth?: number): Promise<void>;
  /** Cuts every connection open right now (clients reconnect through the proxy). Returns how many. */
  dropAll(): number;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  const clients = new Map<net.Socket, () => void>();
  let trap: { pattern: string; left: number; sprung: () => void } | undefined;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    let holding = false;
    const cut = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    clients.set(client, cut);
    client.once('close', () => clients.delete(client));
    client.on('data', (chunk: Buffer) => {
      if (holding) return;
      if (trap && chunk.includes(trap.pattern) && --trap.left === 0) {
        const sprung = trap.sprung;
        trap = undefined;
        holding = true;
        upstream.write(chunk);
        // The first bytes of the answer mean Redis ran it; they never reach the client.
        upstream.once('data', () => {
          cut();
          sprung();
        });
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!holding) client.write(chunk);
    });
    client.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    dropReplyOf(pattern, nth = 1) {
      return new Promise<void>((sprung) => (trap = { pattern, left: nth, sprung }));
    },
    dropAll() {
      const cuts = [...clients.values()];
      for (const cut of cuts) cut();
      return cuts.length;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
