import { Redis } from 'ioredis';
import { freePort } from '../../../dist/redis/free-port.js';
import { makeTempDir, removeTempDir, start, waitFor } from './processes.mjs';

// The bench's own redis-server on a free port: it flushes between runs, so it must never be
// the machine's shared 6379. Plain JS (not test/helpers/redis-server.ts) because the bench
// runs under plain `node`, without a TypeScript loader.

export async function startRedis() {
  const port = await freePort();
  const dir = makeTempDir('rqts-bench-redis-');
  const server = start('redis-server', [
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
  ]);
  const client = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
  });
  client.on('error', () => undefined);
  await waitFor(
    async () => {
      try {
        if (client.status === 'wait') await client.connect();
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    10_000,
    `redis-server on port ${port}`,
  );
  return {
    port,
    pid: server.child.pid,
    url: `redis://127.0.0.1:${port}/0`,
    client,
    async stop() {
      client.disconnect();
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      await server.exited;
      removeTempDir(dir);
    },
  };
}

/** Sum of `INFO commandstats` calls, and the per-command counts, since the last CONFIG RESETSTAT. */
export async function commandStats(client) {
  const text = await client.info('commandstats');
  const perCommand = {};
  let total = 0;
  for (const match of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    const calls = Number(match[2]);
    perCommand[match[1]] = calls;
    total += calls;
  }
  return { total, perCommand };
}
