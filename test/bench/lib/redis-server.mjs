import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { waitFor } from './processes.mjs';

// The bench's own redis-server on a free port: it flushes between runs, so it must never be
// the machine's shared 6379. Plain JS (not test/helpers/redis-server.ts) because the bench
// runs under plain `node`, without a TypeScript loader.

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'rqts-bench-redis-'));
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  client.on('error', () => undefined);
  await waitFor(async () => {
    try {
      if (client.status === 'wait') await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }, 10_000, `redis-server on port ${port}`);
  return {
    port,
    pid: server.pid,
    url: `redis://127.0.0.1:${port}/0`,
    client,
    async stop() {
      client.disconnect();
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
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
