import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startRedis, type TestRedis } from './redis-server.js';
import { waitFor } from './wait.js';

// One primary, one replica and three Sentinels (quorum 2) on free ports of this machine,
// all Debian's redis-server. down-after 1 s keeps a failover within a few seconds.

export const MASTER_NAME = 'rqmaster';

export interface SentinelGroup {
  primary: TestRedis;
  replica: TestRedis;
  sentinelPorts: number[];
  /** --sentinel flags for the CLI. */
  sentinelFlags: string[];
  sentinel(): Redis;
  /** The primary's address as the Sentinels see it now. */
  primaryAddress(): Promise<string>;
  stop(): Promise<void>;
}

export async function startSentinelGroup(
  options: { sentinelPassword?: string } = {},
): Promise<SentinelGroup> {
  const primary = await startRedis({ extraArgs: ['--appendonly', 'no'] });
  const replica = await startRedis({ extraArgs: ['--replicaof', '127.0.0.1', String(primary.port)] });
  await waitFor(
    async () => /master_link_status:up/.test(await replica.client.info('replication')),
    15_000,
    'the replica to sync',
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'rqts-sentinel-'));
  const sentinels: ChildProcess[] = [];
  const sentinelPorts: number[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    const conf = path.join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${primary.port} 2`,
        `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
        `sentinel failover-timeout ${MASTER_NAME} 6000`,
        `sentinel parallel-syncs ${MASTER_NAME} 1`,
        ...(options.sentinelPassword ? [`requirepass ${options.sentinelPassword}`] : []),
        '',
      ].join('\n'),
    );
    sentinels.push(spawn('redis-server', [conf, '--sentinel'], { stdio: 'ignore' }));
    sentinelPorts.push(port);
  }
  const clients: Redis[] = [];
  const sentinel = (): Redis => {
    const client = new Redis({
      port: sentinelPorts[0],
      host: '127.0.0.1',
      password: options.sentinelPassword,
      maxRetriesPerRequest: 1,
    });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };
  const probe = sentinel();
  // Ready when every Sentinel knows the replica and the two other Sentinels.
  for (const port of sentinelPorts) {
    const each = new Redis({
      port,
      host: '127.0.0.1',
      password: options.sentinelPassword,
      lazyConnect: true,
    });
    each.on('error', () => undefined);
    try {
      await waitFor(
        async () => {
          if (each.status === 'wait') await each.connect();
          const flat = (await each.call('SENTINEL', 'MASTER', MASTER_NAME)) as string[];
          const info = new Map<string, string>();
          for (let i = 0; i < flat.length; i += 2) info.set(flat[i]!, flat[i + 1]!);
          return info.get('num-slaves') === '1' && info.get('num-other-sentinels') === '2';
        },
        30_000,
        `Sentinel ${port} to see the replica and the other Sentinels`,
      );
    } finally {
      each.disconnect();
    }
  }
  return {
    primary,
    replica,
    sentinelPorts,
    sentinelFlags: sentinelPorts.flatMap((port) => ['--sentinel', `127.0.0.1:${port}`]),
    sentinel,
    async primaryAddress() {
      const [host, port] = (await probe.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[];
      return `${host}:${port}`;
    },
    async stop() {
      for (const client of clients) client.disconnect();
      for (const child of sentinels) if (child.exitCode === null) child.kill('SIGKILL');
      await primary.stop();
      await replica.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
