import { createServer, type Server, type Socket, connect } from 'node:net';

/**
 * A TCP relay in front of a test Redis that counts round trips: a new one starts each
 * time the client writes after the server has answered. That is what "one round trip
 * per enqueue" means on the wire, whatever the number of commands in the batch.
 */
export interface RoundTripCounter {
  port: number;
  /** Round trips seen so far on every relayed connection. */
  count(): number;
  close(): Promise<void>;
}

export async function startRoundTripCounter(targetPort: number): Promise<RoundTripCounter> {
  let trips = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    let waitingForReply = false;
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      if (!waitingForReply) trips += 1;
      waitingForReply = true;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      waitingForReply = false;
      client.write(chunk);
    });
    const closeBoth = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', closeBoth).on('error', closeBoth);
    upstream.on('close', closeBoth).on('error', closeBoth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    count: () => trips,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
