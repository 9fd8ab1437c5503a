import { afterAll, beforeAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/redis/free-port.js';
import { waitFor } from './wait.js';

export { freePort };

// Each test file gets a private redis-server on a free port: RQ's global keys
// (rq:workers, rq:queues, rq:suspended) take no prefix, so files cannot share a keyspace.

export interface TestRedis {
  url: string;
  port: number;
  /** A client for the test body; closed by stop(). */
  client: Redis;
  newClient(): Redis;
  stop(): Promise<void>;
  /** Stops the server process and starts it again on the same port (empty keyspace). */
  restart(): Promise<void>;
  /** Kills the server and leaves it down (an outage), until startServer(). */
  stopServer(): Promise<void>;
  /** Starts the server again on the same port after stopServer() (empty keyspace). */
  startServer(): Promise<void>;
}

function launch(port: number, dir: string, extraArgs: string[]): ChildProcess {
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      ...extraArgs,
    ],
    {
      stdio: 'ignore',
    },
  );
}

export async function startRedis(options: { extraArgs?: string[] } = {}): Promise<TestRedis> {
  if (process.env.REDIS_URL_FOR_TESTS)
    throw new Error('REDIS_URL_FOR_TESTS is not supported: tests need a private server');
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'rqts-redis-'));
  const extraArgs = options.extraArgs ?? [];
  let server = launch(port, dir, extraArgs);
  const url = `redis://127.0.0.1:${port}/0`;
  const clients: Redis[] = [];
  const newClient = (): Redis => {
    const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 3, lazyConnect: false });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };
  const ready = async (): Promise<void> => {
    const probe = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    probe.on('error', () => undefined);
    await waitFor(
      async () => {
        try {
          if (probe.status !== 'ready') await probe.connect();
          return (await probe.ping()) === 'PONG';
        } catch {
          probe.disconnect();
          return false;
        }
      },
      10_000,
      `redis-server on port ${port}`,
    );
    probe.disconnect();
  };
  await ready();
  const client = newClient();
  const stopServer = async (): Promise<void> => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill('SIGKILL');
    await exited;
  };
  return {
    url,
    port,
    client,
    newClient,
    async stop() {
      for (const c of clients) c.disconnect();
      await stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await stopServer();
      server = launch(port, dir, extraArgs);
      await ready();
    },
    stopServer,
    async startServer() {
      if (server.exitCode === null && server.signalCode === null) return;
      server = launch(port, dir, extraArgs);
      await ready();
    },
  };
}

/**
 * A private redis-server for the enclosing file or describe block: started before its tests
 * (handed over through `assign`), stopped after them, `cleanup` (say, killing what the tests
 * spawned) first.
 */
export function useRedis(assign: (redis: TestRedis) => void, cleanup?: () => unknown): void {
  let redis: TestRedis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    assign(redis);
  });
  afterAll(async () => {
    await cleanup?.();
    await redis?.stop();
  });
}
