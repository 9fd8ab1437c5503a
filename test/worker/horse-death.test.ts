import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findWorker, Queue } from '../../src/index.js';
import { memoryCgroupOf } from '../../src/worker/horse-vitals.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, killSpawned, spawnRqtsInCgroup } from '../helpers/rqts-process.js';
import { endedWith, startNamedWorker } from '../helpers/rqts-worker.js';
import { waitFor } from '../helpers/wait.js';

// Why a horse died, said in its job's failure: RQ's text first (Python tooling matches on
// it), then the signal or exit code, the horse's peak memory and its cgroup's limit, and the
// OOM killer when the cgroup's oom_kill counter moved. Real workers, real signals, and a
// real memory cgroup where this machine lets the test make one.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

const RQ_KILLED = 'Work-horse terminated unexpectedly; waitpid returned 9 (signal 9); ';
const startWorker = (queue: string) =>
  startNamedWorker(redis.url, queue, 'hd', ['--job-monitoring-interval', '1']);

async function horseOf(name: string, jobId: string): Promise<{ worker: number; horse: number }> {
  return waitFor(
    async () => {
      const w = await findWorker(redis.client, name);
      if (w?.state !== 'busy' || w.currentJob !== jobId || w.pid === undefined) return undefined;
      const children = execFileSync('pgrep', ['-P', String(w.pid)], { encoding: 'utf8' })
        .trim()
        .split('\n');
      return { worker: w.pid, horse: Number(children[0]) };
    },
    15_000,
    `worker ${name} busy on ${jobId}`,
  );
}

const failureOf = (jobId: string): Promise<string> => endedWith(redis.client, jobId, 'failed');

describe('why the horse died', () => {
  it('a horse SIGKILLed from outside: RQ text, then "SIGKILL from outside" with its peak RSS; the worker publishes the horse RSS while busy', async () => {
    const queue = new Queue('outside', redis.client);
    const job = await queue.enqueue('tasks.hold', [64]);
    const { name } = startWorker('outside');
    const { horse } = await horseOf(name, job.id);
    // The busy heartbeat carries the horse's resident set once the 64 MiB are touched.
    const published = await waitFor(
      async () => {
        const rss = (await findWorker(redis.client, name))?.horseRssBytes;
        return rss !== undefined && rss > 64 * 2 ** 20 ? rss : undefined;
      },
      15_000,
      'horse_rss above 64 MiB in the worker hash',
    );
    expect(published).toBeGreaterThan(64 * 2 ** 20);
    process.kill(horse, 'SIGKILL');
    const failure = await failureOf(job.id);
    expect(failure.startsWith(RQ_KILLED)).toBe(true);
    expect(failure).toMatch(
      /; SIGKILL from outside \(peak RSS \d+ MiB, (memory limit [\d.]+ [MG]iB|no memory limit)\)$/,
    );
    const peak = Number(/peak RSS (\d+) MiB/.exec(failure)?.[1]);
    expect(peak).toBeGreaterThanOrEqual(64);
  });

  it('a horse that exits by itself: "crashed with exit code N"', async () => {
    const queue = new Queue('selfexit', redis.client);
    const job = await queue.enqueue('tasks.crash', [7]);
    startWorker('selfexit');
    const failure = await failureOf(job.id);
    expect(failure).toMatch(
      /^Work-horse terminated unexpectedly; waitpid returned 1792; crashed with exit code 7 \(/,
    );
  });

  // A child memory cgroup under this process's own: cgroup v1's memory controller or v2.
  const own = memoryCgroupDir();
  const cgroupDir = own && path.join(own, `rqts-oom-${process.pid}`);
  let made = false;
  if (cgroupDir) {
    try {
      mkdirSync(cgroupDir);
      made = true;
    } catch {
      made = false;
    }
  }
  afterAll(() => {
    if (made && cgroupDir) rmdirQuietly(cgroupDir);
  });

  it.skipIf(!made)(
    'a horse over its cgroup memory limit: "killed by the OOM killer" with peak and limit',
    async () => {
      const limitFile = readable(path.join(cgroupDir!, 'memory.limit_in_bytes'))
        ? 'memory.limit_in_bytes'
        : 'memory.max';
      writeFileSync(path.join(cgroupDir!, limitFile), String(300 * 2 ** 20));
      const queue = new Queue('oom', redis.client);
      const job = await queue.enqueue('tasks.hold', [600]);
      const name = `oom-${process.pid}`;
      // The worker starts inside the cgroup, so its horse (forked at start) is in it too.
      const child = spawnRqtsInCgroup(cgroupDir!, [
        'worker',
        'oom',
        '--url',
        redis.url,
        '--path',
        FIXTURES,
        '--name',
        name,
      ]);
      try {
        const failure = await failureOf(job.id);
        expect(failure.startsWith(RQ_KILLED)).toBe(true);
        expect(failure).toMatch(
          /; killed by the OOM killer \(SIGKILL\) \(peak RSS \d+ MiB, memory limit 300 MiB\)$/,
        );
        expect(memoryCgroupOf(child.pid!)?.limitBytes).toBe(300 * 2 ** 20);
      } finally {
        child.kill('SIGKILL');
        await waitFor(() => child.exitCode !== null || child.signalCode !== null, 10_000, 'worker gone');
      }
    },
  );
});

function memoryCgroupDir(): string | undefined {
  const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  const v1 = lines.map((l) => l.split(':')).find((p) => p[1]?.split(',').includes('memory'));
  if (v1?.[2] !== undefined) return path.join('/sys/fs/cgroup/memory', v1[2]);
  const v2 = lines.find((l) => l.startsWith('0::'))?.slice(3);
  return v2 !== undefined && readable(path.join('/sys/fs/cgroup', v2, 'memory.max'))
    ? path.join('/sys/fs/cgroup', v2)
    : undefined;
}

function readable(file: string): boolean {
  try {
    readFileSync(file);
    return true;
  } catch {
    return false;
  }
}

function rmdirQuietly(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Still holds a process for a moment after the kill; the kernel drops it once empty.
  }
}
