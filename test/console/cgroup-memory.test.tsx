import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, spawnRqtsInCgroup } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { startConsole } from './harness.js';

// MEM-HIGH under a real memory cgroup, where this machine lets the test make one: the worker
// and its horse share the limit (as in a container), so the flag judges the cgroup's usage,
// the figure the OOM killer acts on, and the worker detail says how close it is.

const MiB = 1024 * 1024;
const LIMIT = 400 * MiB;

function ownMemoryCgroup(): { dir: string; limitFile: string; usageFile: string } | undefined {
  const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  const v1 = lines.map((l) => l.split(':')).find((p) => p[1]?.split(',').includes('memory'));
  if (v1?.[2] !== undefined)
    return {
      dir: path.join('/sys/fs/cgroup/memory', v1[2]),
      limitFile: 'memory.limit_in_bytes',
      usageFile: 'memory.usage_in_bytes',
    };
  const v2 = lines.find((l) => l.startsWith('0::'))?.slice(3);
  return v2 === undefined
    ? undefined
    : { dir: path.join('/sys/fs/cgroup', v2), limitFile: 'memory.max', usageFile: 'memory.current' };
}

const own = ownMemoryCgroup();
const cgroup = own && { ...own, dir: path.join(own.dir, `rqts-memhigh-${process.pid}`) };
let made = false;
if (cgroup) {
  try {
    mkdirSync(cgroup.dir);
    writeFileSync(path.join(cgroup.dir, cgroup.limitFile), String(LIMIT));
    made = true;
  } catch {
    made = false;
  }
}

describe.skipIf(!made)('MEM-HIGH in a real memory cgroup', () => {
  let redis: TestRedis;
  let worker: ChildProcess | undefined;
  useRedis((r) => (redis = r));
  afterAll(async () => {
    worker?.kill('SIGKILL');
    if (worker) await waitFor(() => worker!.exitCode !== null || worker!.signalCode !== null, 10_000, 'exit');
    try {
      rmdirSync(cgroup!.dir);
    } catch {
      // The kernel drops an emptied cgroup a moment later.
    }
  });

  it('flags a busy worker whose cgroup is at 90% of its limit, and says so in its detail', async () => {
    const name = `memhigh-${process.pid}`;
    // The worker starts inside the cgroup, so its horse (forked at start) is in it too.
    worker = spawnRqtsInCgroup(cgroup!.dir, [
      'worker',
      'memq',
      '--url',
      redis.url,
      '--path',
      FIXTURES,
      '--name',
      name,
      '--job-monitoring-interval',
      '1',
    ]);
    await waitFor(
      async () => (await redis.client.hget(keys.worker(name), 'state')) === 'idle',
      20_000,
      'the worker idle',
    );
    // Fill the cgroup to ~93% of its limit: what the worker and idle horse hold, plus the job.
    const baseline = Number(readFileSync(path.join(cgroup!.dir, cgroup!.usageFile), 'utf8'));
    const mb = Math.floor((0.93 * LIMIT - baseline) / MiB);
    expect(mb).toBeGreaterThan(10);
    await new Queue('memq', redis.client).enqueue('tasks.hold', [mb]);
    const c = startConsole(redis.url, { columns: 200 });
    try {
      const rowOf = (f: string): string => f.split('\n').find((l) => l.includes(name.slice(-12))) ?? '';
      await c.r.waitForFrame((f) => rowOf(f).includes('MEM-HIGH'), 30_000);
      await c.r.press('\r');
      const detail = await c.r.waitForFrame(/cgroup memory/, 10_000);
      expect(detail).toMatch(/cgroup memory\s+\d+M used of 400M \(9\d%/);
    } finally {
      await c.close();
    }
  });
});
