import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { isAlive, killSpawned, spawnRqts } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { startConsole, writeTaskModules } from './harness.js';

// A SIGSTOPped worker keeps its pub/sub socket, so Redis says "heard by 1" and nothing
// happens. The receipt must say the process is stopped and that the command waits in its
// buffer, then offer what can work: signals for a worker this console launched (each
// checked for its effect), removing the entry for any other.

describe('a frozen listener: the receipt tells the truth and offers the next step', () => {
  let redis: TestRedis;
  useRedis((r) => (redis = r), killSpawned);

  async function busyWorkerPid(name: string, jobId: string): Promise<number> {
    await waitFor(
      async () => (await redis.client.hget(keys.worker(name), 'current_job')) === jobId,
      30_000,
      `${name} running the job`,
    );
    return Number(await redis.client.hget(keys.worker(name), 'pid'));
  }

  it('launched here: says STOPPED, SIGCONT is offered, checked, and the buffered shutdown then runs', async () => {
    const dir = writeTaskModules();
    const c = startConsole(redis.url, { effectDeadlineMs: 2500, columns: 200 });
    let pid = 0;
    try {
      const [launched] = c.local?.launch({ queues: ['fz'], count: 1, burst: false, paths: [dir] }) ?? [];
      if (!launched) throw new Error('nothing launched');
      const job = await new Queue('fz', redis.client).enqueue('tasks.hang', [], {}, { timeout: 600 });
      pid = await busyWorkerPid(launched.name, job.id);
      process.kill(pid, 'SIGSTOP');
      await c.r.waitForFrame((f) => new RegExp(`${launched.name}\\s+busy`).test(f), 20_000);
      await c.r.press('D');
      await c.r.waitForFrame('Shut this worker down?', 5000);
      await c.r.press('y');
      const frame = await c.r.waitForFrame('is STOPPED (SIGSTOP)', 15_000);
      expect(frame).toContain(
        `pid ${pid}@${hostname()} is STOPPED (SIGSTOP); the worker is still up after 2.5s`,
      );
      expect(frame).toContain('SIGCONT it');
      // The status line may cut the tail; the receipt (and the timeline) keep it whole.
      expect(c.actions.latest()?.message).toContain(
        'though heard by 1 listener: a stopped process still counts as a listener; the command is buffered and runs when it resumes',
      );
      expect(await redis.client.hget(keys.worker(launched.name), 'shutdown_requested_date')).toBeNull();
      await c.r.press('n');
      await c.r.waitForFrame('Next step: SIGCONT it', 5000);
      await c.r.press('y');
      await c.r.waitForFrame('runs again; the buffered command runs now', 15_000);
      // The shutdown that waited in the socket buffer is read once the process runs.
      await waitFor(
        async () => (await redis.client.hget(keys.worker(launched.name), 'shutdown_requested_date')) !== null,
        15_000,
        'the buffered shutdown to take effect',
      );
    } finally {
      if (pid && isAlive(pid)) process.kill(pid, 'SIGCONT');
      await c.close();
    }
  });

  it('launched here: SIGKILL is checked for its effect and its job is left ORPHANED, not lost', async () => {
    const dir = writeTaskModules();
    const c = startConsole(redis.url, { effectDeadlineMs: 2500 });
    try {
      const [launched] = c.local?.launch({ queues: ['fk'], count: 1, burst: false, paths: [dir] }) ?? [];
      if (!launched) throw new Error('nothing launched');
      const job = await new Queue('fk', redis.client).enqueue('tasks.hang', [], {}, { timeout: 600 });
      const pid = await busyWorkerPid(launched.name, job.id);
      process.kill(pid, 'SIGSTOP');
      const receipt = await c.actions.run({
        kind: 'signalLaunched',
        worker: launched.name,
        signal: 'SIGKILL',
      });
      expect(receipt.phase).toBe('done');
      expect(receipt.message).toContain(`pid ${pid} is gone`);
      await waitFor(() => !isAlive(pid), 10_000, 'the killed worker to be reaped');
      const started = await redis.client.zrange(keys.registry('started', 'fk'), 0, -1);
      expect(started.some((m) => m.startsWith(job.id))).toBe(true);
    } finally {
      await c.close();
    }
  });

  it('not launched here: says STOPPED, offers to remove the entry, and its job turns ORPHANED', async () => {
    const dir = writeTaskModules();
    const name = 'frozen-other';
    const worker = spawnRqts(['worker', 'fo', '--url', redis.url, '--path', dir, '--name', name]);
    const job = await new Queue('fo', redis.client).enqueue('tasks.hang', [], {}, { timeout: 600 });
    const pid = await busyWorkerPid(name, job.id);
    expect(pid).toBe(worker.child.pid);
    process.kill(pid, 'SIGSTOP');
    const c = startConsole(redis.url, { effectDeadlineMs: 2500, columns: 200 });
    try {
      await c.r.waitForFrame((f) => /frozen-other\s+busy/.test(f), 20_000);
      await c.r.press('K');
      await c.r.waitForFrame('Kill the horse of this worker?', 5000);
      await c.r.press('y');
      const frame = await c.r.waitForFrame('is STOPPED (SIGSTOP)', 15_000);
      expect(frame).toContain(`pid ${pid}@${hostname()} is STOPPED (SIGSTOP); the job still runs after 2.5s`);
      expect(frame).toContain('remove its entry (not launched here: no signals)');
      await c.r.press('n');
      await c.r.waitForFrame('Next step: remove its entry', 5000);
      await c.r.press('y');
      await c.r.waitForFrame(`its job ${job.id} is ORPHANED`, 10_000);
      expect(await redis.client.exists(keys.worker(name))).toBe(0);
      await c.r.waitForFrame(/\b1 ORPHANED\b/, 10_000);
    } finally {
      process.kill(pid, 'SIGCONT');
      await c.close();
    }
  });
});
