import net from 'node:net';
import { Redis } from 'ioredis';
import { freePort } from '../../../dist/redis/free-port.js';
import { makeTempDir, removeTempDir, start, waitFor } from '../../bench/lib/processes.mjs';

// The matrix's redis-servers, each private on a free port (never the machine's 6379): one per
// cell for the workers, which faults restart, fill up or cut off, and one recorder shared by all
// cells that no fault touches. Plain JS because the matrix runs under plain `node`.

function args(port, dir, aof) {
  return [
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
    // appendfsync always: a SHUTDOWN NOSAVE then keeps every acknowledged write, so the
    // restart-with-AOF scenario is "Redis keeps its data", not "Redis keeps most of it".
    ...(aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ];
}

/** A client that rides out restarts and kills: it reconnects every 100 ms and retries commands. */
export function client(port) {
  const redis = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 50, retryStrategy: () => 100 });
  redis.on('error', () => undefined);
  return redis;
}

async function ready(port) {
  const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await waitFor(
      async () => {
        try {
          if (probe.status !== 'ready') await probe.connect();
          // LOADING (an AOF being read back) is not ready yet.
          return (await probe.ping()) === 'PONG';
        } catch {
          probe.disconnect();
          return false;
        }
      },
      20_000,
      `redis-server on port ${port}`,
    );
  } finally {
    probe.disconnect();
  }
}

export async function startRedis({ aof = false } = {}) {
  const port = await freePort();
  const dir = makeTempDir('rqts-faults-redis-');
  let server = start('redis-server', args(port, dir, aof));
  await ready(port);
  const observer = client(port);
  const down = async () => {
    if (server.child.exitCode === null && server.child.signalCode === null) {
      // SHUTDOWN NOSAVE as an operator would; the AOF (when on) is all that survives.
      const admin = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => null });
      admin.on('error', () => undefined);
      await admin.connect().then(
        () => admin.call('SHUTDOWN', 'NOSAVE').catch(() => undefined),
        () => undefined,
      );
      admin.disconnect();
    }
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
    await server.exited;
    clearTimeout(timer);
  };
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    observer,
    /** Shuts down without saving, stays down `downMs`, starts again on the same port and dir. */
    async restart(downMs) {
      await down();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = start('redis-server', args(port, dir, aof));
      await ready(port);
    },
    async stop() {
      observer.disconnect();
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      await server.exited;
      removeTempDir(dir);
    },
  };
}

/**
 * A TCP proxy that, while `faulty`, delays every chunk by 2-20 ms and swallows a reply now and
 * then (probability `dropChance` per reply chunk) and cuts that connection: the command surely
 * ran, its answer never arrives — a network drop at the worst moment, at random.
 */
export async function startFaultyProxy(targetPort, { dropChance = 0.05 } = {}) {
  const port = await freePort();
  const sockets = new Set();
  const state = { faulty: true, drops: 0 };
  const delayed = (socket) => {
    let at = 0;
    return (chunk) => {
      if (!state.faulty) return socket.write(chunk);
      at = Math.max(at, Date.now() + 2 + Math.random() * 18);
      setTimeout(() => socket.destroyed || socket.write(chunk), at - Date.now());
    };
  };
  const server = net.createServer((downstream) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(downstream).add(upstream);
    const cut = () => {
      downstream.destroy();
      upstream.destroy();
      sockets.delete(downstream);
      sockets.delete(upstream);
    };
    const toUpstream = delayed(upstream);
    const toDownstream = delayed(downstream);
    downstream.on('data', toUpstream);
    upstream.on('data', (chunk) => {
      if (state.faulty && Math.random() < dropChance) {
        state.drops += 1;
        return cut();
      }
      toDownstream(chunk);
    });
    downstream.on('error', cut).on('close', cut);
    upstream.on('error', cut).on('close', cut);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    state,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
