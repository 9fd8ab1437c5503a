import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { latestResult } from '../../src/model/results.js';
import { keys } from '../../src/redis/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { KEYS } from './render.js';
import { startConsole, writeTaskModules, type ConsoleUnderTest } from './harness.js';

// The console against a real worker process (Python RQ 1.13, or rqts): it must show the
// worker busy on its job, and its kill-horse, stop-job and shutdown keys must have the
// effect RQ documents. Shared by python-workers.test.tsx and rqts-workers.test.tsx.

export type WorkerStarter = (url: string, dir: string, name: string, queues: string[]) => ChildProcess;

export function describeWorkerActions(
  title: string,
  startWorker: WorkerStarter,
  skip: boolean,
  runs: 'rqts' | 'python',
): void {
  describe.skipIf(skip)(title, () => {
    let redis: TestRedis;
    let worker: ChildProcess;
    let ui: ConsoleUnderTest;
    let dir: string;
    const queue = 'wq';
    const name = 'console-target-1';
    const rowOf = (frame: string): string =>
      // Long names are cut at the head (…tail), so the row is found by the name's tail.
      frame.split('\n').find((l) => l.includes(name.slice(-12)) && !l.includes('→')) ?? ''; // not the receipt

    beforeAll(async () => {
      redis = await startRedis();
      dir = writeTaskModules();
      worker = startWorker(redis.url, dir, name, [queue]);
      ui = startConsole(redis.url);
    });
    afterAll(async () => {
      await ui?.close();
      worker?.kill('SIGKILL');
      await redis?.stop();
    });

    async function busyOnHangingJob(): Promise<string> {
      const job = await new Queue(queue, redis.client).enqueue('tasks.hang', [], {}, { timeout: 600 });
      await ui.r.waitForFrame((f) => /busy/.test(rowOf(f)) && rowOf(f).includes('tasks.hang()'), 30_000);
      return job.id;
    }

    it('shows the worker busy with its hanging job', async () => {
      await ui.r.waitForFrame((f) => rowOf(f).includes('idle'), 30_000);
      await busyOnHangingJob();
      const row = rowOf(ui.r.lastFrame());
      expect(row).toMatch(/busy\s+wq\s+tasks\.hang\(\)/);
      expect(row).toMatch(/\/10m00s/); // elapsed against the job's own timeout
      expect(row).not.toMatch(/DEAF|GHOST|STALE/);
    });

    it('kill-horse asks first with Cancel focused, then kills the horse: the job ends failed', async () => {
      const jobId = (await redis.client.hget(keys.worker(name), 'current_job')) ?? '';
      expect(jobId).not.toBe('');
      await ui.r.press('K');
      let frame = await ui.r.waitForFrame('Kill the horse of this worker?');
      expect(frame).toContain(`target: ${name}`);
      expect(frame).toContain('[ Cancel ]');
      await ui.r.press(KEYS.enter); // Cancel is focused: nothing happens
      await ui.r.waitForFrame((f) => !f.includes('Kill the horse'));
      expect(await redis.client.hget(keys.job(jobId), 'status')).toBe('started');

      await ui.r.press('K', 'y');
      frame = await ui.r.waitForFrame('horse killed', 20_000);
      expect(frame).toContain('heard by 1 listener');
      expect(frame).toContain(`job ${jobId.slice(0, 8)}… ended failed (in the failed registry)`);
      expect(await redis.client.zscore(keys.registry('failed', queue), jobId)).not.toBeNull();
      await ui.r.waitForFrame((f) => rowOf(f).includes('idle'), 20_000);
    });

    it('stop-job stops the running job: status stopped, in the failed registry', async () => {
      const jobId = await busyOnHangingJob();
      await ui.r.press('S');
      await ui.r.waitForFrame('Stop this job?');
      await ui.r.press(KEYS.tab, KEYS.enter); // move focus to "Stop job" and press it
      const frame = await ui.r.waitForFrame(`job ${jobId.slice(0, 8)}… ended stopped`, 20_000);
      expect(frame).toContain('heard by 1 listener');
      expect(await redis.client.hget(keys.job(jobId), 'status')).toBe('stopped');
      expect(await redis.client.zscore(keys.registry('failed', queue), jobId)).not.toBeNull();
    });

    it(
      runs === 'rqts'
        ? 'graceful stop (T) fires the abort signal: the job winds up, then ends stopped saying so'
        : 'graceful stop (T) on a Python worker says it is not available there and offers the plain stop',
      async () => {
        await ui.r.waitForFrame((f) => rowOf(f).includes('idle'), 20_000);
        const marker = path.join(dir, `wound-up-${Date.now()}`);
        const job =
          runs === 'rqts'
            ? await new Queue(queue, redis.client).enqueue('tasks.windUp', [marker], {}, { timeout: 600 })
            : await new Queue(queue, redis.client).enqueue('tasks.hang', [], {}, { timeout: 600 });
        await ui.r.waitForFrame((f) => /busy/.test(rowOf(f)), 30_000);
        await waitFor(
          async () => (await redis.client.hget(keys.worker(name), 'current_job')) === job.id,
          30_000,
          'the worker to run the job',
        );
        await ui.r.press('T');
        if (runs === 'rqts') {
          const dialog = await ui.r.waitForFrame('Stop this job gracefully?', 20_000);
          expect(dialog).toContain('has 10 s to wind up, then its horse is killed');
          await ui.r.press('y');
          const frame = await ui.r.waitForFrame(`job ${job.id.slice(0, 8)}… ended stopped`, 20_000);
          expect(frame).toContain('graceful stop-job');
          expect(existsSync(marker) && readFileSync(marker, 'utf8')).toBe('wound up');
          expect((await latestResult(redis.client, job.id))?.excString).toMatch(/stopped gracefully/);
        } else {
          const dialog = await ui.r.waitForFrame('No graceful stop there: stop this job at once?', 20_000);
          expect(dialog).toContain('Graceful stop is not available on Python RQ workers');
          await ui.r.press('y');
          await ui.r.waitForFrame(`job ${job.id.slice(0, 8)}… ended stopped`, 20_000);
        }
        expect(await redis.client.hget(keys.job(job.id), 'status')).toBe('stopped');
      },
    );

    it('shutdown makes the worker exit and the console reports it', async () => {
      await ui.r.waitForFrame((f) => rowOf(f).includes('idle'), 20_000);
      await ui.r.press('D');
      await ui.r.waitForFrame('Shut this worker down?');
      await ui.r.press('y');
      await ui.r.waitForFrame('the worker has exited', 20_000);
      await waitFor(() => worker.exitCode !== null, 20_000, 'the worker process to exit');
      await ui.r.waitForFrame((f) => rowOf(f) === '', 10_000);
    });

    it('a command nobody hears says so (0 listeners), and a vanished worker is offered for removal with n', async () => {
      // A frozen worker: its hash is fresh but nobody listens on its command channel.
      const deaf = 'deaf-1';
      await redis.client
        .multi()
        .hset(keys.worker(deaf), {
          state: 'idle',
          queues: queue,
          last_heartbeat: new Date().toISOString().replace('Z', '000Z'),
          pid: '4242',
          hostname: 'elsewhere',
        })
        .sadd(keys.allWorkers, keys.worker(deaf))
        .sadd(keys.workersOfQueue(queue), keys.worker(deaf))
        .exec();
      const frame = await ui.r.waitForFrame((f) => /deaf-1\s+idle.*DEAF/.test(f));
      expect(frame).toContain('4242@elsewhere');
      await ui.r.press('D', 'y');
      await ui.r.waitForFrame('nobody heard it (0 listeners on rq:pubsub:deaf-1)');

      // Its hash goes away while the confirmation is open: the receipt finds a ghost.
      await ui.r.press('D');
      await ui.r.waitForFrame('Shut this worker down?');
      await redis.client.del(keys.worker(deaf));
      await ui.r.press('y');
      await ui.r.waitForFrame('[n] remove the ghost entry');
      await ui.r.press('n');
      await ui.r.waitForFrame('Next step: remove the ghost entry?');
      await ui.r.press('y');
      await ui.r.waitForFrame('removed from the worker sets');
      expect(await redis.client.sismember(keys.allWorkers, keys.worker(deaf))).toBe(0);
      expect(await redis.client.sismember(keys.workersOfQueue(queue), keys.worker(deaf))).toBe(0);
    });
  });
}
