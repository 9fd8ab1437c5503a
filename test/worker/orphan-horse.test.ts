import { describe, expect, it } from 'vitest';
import { Job, latestResult, Queue } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { childPids, isAlive, killSpawned, type RqtsProcess } from '../helpers/rqts-process.js';
import { startNamedWorker } from '../helpers/rqts-worker.js';
import { waitFor } from '../helpers/wait.js';

// A worker SIGKILLed mid-job (issue 12, defect 3): its horse lets the job finish and records
// the outcome itself, as RQ's forked horse does, instead of leaving it in the started registry
// for maintenance to fail as abandoned a minute later. Real workers from the built binary,
// real SIGKILLs; each job counts its runs with an INCR, so "ran once" is seen, not assumed.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

const startWorker = (queue: string, extra: string[] = []) =>
  startNamedWorker(redis.url, queue, 'orphan', ['--job-monitoring-interval', '1', ...extra]);

const runs = async (key: string): Promise<number> => Number((await redis.client.get(key)) ?? 0);

/** The horse of a worker, once it is running a job (its counter moved). */
async function killWorkerMidJob(proc: RqtsProcess, runsKey: string): Promise<number> {
  await waitFor(async () => (await runs(runsKey)) === 1, 20_000, `${runsKey} running`);
  const pid = proc.child.pid!;
  const horses = childPids(pid);
  expect(horses).toHaveLength(1);
  proc.child.kill('SIGKILL');
  await proc.exited;
  return horses[0]!;
}

/** Every registry (and the queue) that holds `id`, by name. */
async function whereIs(queue: string, id: string): Promise<string[]> {
  const found: string[] = [];
  for (const registry of ['started', 'finished', 'failed', 'scheduled', 'deferred'] as const) {
    const members = await redis.client.zrange(keys.registry(registry, queue), 0, -1);
    if (members.some((m) => m === id || m.startsWith(`${id}:`))) found.push(registry);
  }
  if ((await redis.client.lrange(keys.queue(queue), 0, -1)).includes(id)) found.push('queue');
  return found;
}

describe('a horse whose worker is SIGKILLed records its job itself', () => {
  it('a job that then completes ends finished with its result, within seconds, run once', async () => {
    const queue = new Queue('orphan-ok', redis.client);
    const job = await queue.enqueue('orphan.counted', [redis.url, 'runs:ok', 1.5]);
    const { proc } = startWorker('orphan-ok');
    const horse = await killWorkerMidJob(proc, 'runs:ok');
    const killedAt = Date.now();
    await waitFor(
      async () => (await Job.fetch(redis.client, job.id)).status === 'finished',
      8000,
      'the job finished by its orphaned horse',
    );
    expect(Date.now() - killedAt).toBeLessThan(8000);
    expect(await whereIs('orphan-ok', job.id)).toEqual(['finished']);
    expect((await latestResult(redis.client, job.id))?.returnValue).toEqual({ ran: 'runs:ok' });
    expect(await runs('runs:ok')).toBe(1);
    await waitFor(() => !isAlive(horse), 5000, 'the horse gone once it recorded');
    expect(proc.output()).toMatch(
      /worker \S+ is gone; the horse lets job \S+ finish and records its outcome itself/,
    );
    expect(proc.output()).toMatch(/the horse recorded job \S+ as finished itself/);
  });

  it('speaking RQ 2: finished under the execution the worker took it as, its records gone', async () => {
    const queue = new Queue('orphan-rq2', redis.client);
    const job = await queue.enqueue('orphan.counted', [redis.url, 'runs:rq2', 1.5]);
    const { proc } = startWorker('orphan-rq2', ['--rq-protocol', '2']);
    await waitFor(async () => (await runs('runs:rq2')) === 1, 20_000, 'runs:rq2 running');
    const member = (await redis.client.zrange(keys.registry('started', 'orphan-rq2'), 0, -1))[0] ?? '';
    expect(member).toMatch(new RegExp(`^${job.id}:[0-9a-f]{32}$`));
    await killWorkerMidJob(proc, 'runs:rq2');
    await waitFor(
      async () => (await Job.fetch(redis.client, job.id)).status === 'finished',
      8000,
      'the 2.x job finished by its orphaned horse',
    );
    expect(await whereIs('orphan-rq2', job.id)).toEqual(['finished']);
    const execution = member.slice(job.id.length + 1);
    expect(await redis.client.exists(keys.execution(job.id, execution))).toBe(0);
    const [entry] = await redis.client.xrange(keys.results(job.id), '-', '+');
    expect(entry?.[1]).toEqual(expect.arrayContaining(['execution_id', execution]));
  });

  it('a job that raises ends failed with its traceback', async () => {
    const queue = new Queue('orphan-raise', redis.client);
    const job = await queue.enqueue('orphan.counted', [redis.url, 'runs:raise', 1, 'raise']);
    const { proc } = startWorker('orphan-raise');
    await killWorkerMidJob(proc, 'runs:raise');
    await waitFor(
      async () => (await Job.fetch(redis.client, job.id)).status === 'failed',
      8000,
      'the job failed by its orphaned horse',
    );
    expect(await whereIs('orphan-raise', job.id)).toEqual(['failed']);
    const failure = (await latestResult(redis.client, job.id))?.excString ?? '';
    expect(failure).toMatch(/^Error: orphan boom runs:raise\n\s+at counted /);
    expect(await runs('runs:raise')).toBe(1);
  });

  it('a job with a retry left goes back to its queue once, with one retry used', async () => {
    const queue = new Queue('orphan-retry', redis.client);
    const job = await queue.enqueue(
      'orphan.counted',
      [redis.url, 'runs:retry', 1, 'raise'],
      {},
      {
        retry: { max: 1 },
      },
    );
    const { proc } = startWorker('orphan-retry');
    await killWorkerMidJob(proc, 'runs:retry');
    await waitFor(
      async () => (await Job.fetch(redis.client, job.id)).status === 'queued',
      8000,
      'the job retried by its orphaned horse',
    );
    expect(await whereIs('orphan-retry', job.id)).toEqual(['queue']);
    expect((await Job.fetch(redis.client, job.id)).retriesLeft).toBe(0);
    expect(await runs('runs:retry')).toBe(1);
  });

  it('a job that outlives its timeout after the worker is gone fails with the timeout', async () => {
    const queue = new Queue('orphan-timeout', redis.client);
    const job = await queue.enqueue('orphan.counted', [redis.url, 'runs:timeout', 60], {}, { timeout: 6 });
    const { proc } = startWorker('orphan-timeout');
    const horse = await killWorkerMidJob(proc, 'runs:timeout');
    // The horse beats for its job now (90 s ahead; the worker's beats gave 61 s), so no other
    // worker's maintenance fails it as abandoned while it still runs.
    await waitFor(
      async () => {
        // The member is `id:execution` if an earlier test's 2.x worker made this one speak 2.
        const entries = await redis.client.zrange(
          keys.registry('started', 'orphan-timeout'),
          0,
          -1,
          'WITHSCORES',
        );
        return entries[0]?.startsWith(job.id) && Number(entries[1]) > Date.now() / 1000 + 80;
      },
      5000,
      "the horse's own heartbeat on the started entry",
    );
    await waitFor(
      async () => (await Job.fetch(redis.client, job.id)).status === 'failed',
      12_000,
      'the job failed at its timeout by its orphaned horse',
    );
    expect(await whereIs('orphan-timeout', job.id)).toEqual(['failed']);
    expect((await latestResult(redis.client, job.id))?.excString).toBe(
      'JobTimeoutException: Task exceeded maximum timeout value (6 seconds)',
    );
    await waitFor(() => !isAlive(horse), 5000, 'the timed-out horse gone');
  });

  it('SIGKILLs at random moments over 20 short jobs: each job in one place, completed ones ran once', async () => {
    const queue = new Queue('orphan-random', redis.client);
    const jobs: Job[] = [];
    for (let i = 0; i < 20; i++)
      jobs.push(
        await queue.enqueue('orphan.counted', [redis.url, `runs:random:${i}`, 0.05 + Math.random() * 0.3]),
      );
    const horses = new Set<number>();
    const outputs: RqtsProcess[] = [];
    // A supervisor's restarts: a fresh worker each time, killed a random moment later.
    for (let round = 0; round < 60 && (await redis.client.llen(keys.queue('orphan-random'))) > 0; round++) {
      const { proc } = startWorker('orphan-random');
      outputs.push(proc);
      await proc.waitForOutput('Listening for work', 15_000);
      await new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 700));
      for (const horse of childPids(proc.child.pid!)) horses.add(horse);
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    expect(await redis.client.llen(keys.queue('orphan-random'))).toBe(0);
    await waitFor(() => [...horses].every((h) => !isAlive(h)), 15_000, 'every horse gone');
    const tally: Record<string, number> = {};
    for (const [i, job] of jobs.entries()) {
      const places = await whereIs('orphan-random', job.id);
      const ran = await runs(`runs:random:${i}`);
      const status = (await Job.fetch(redis.client, job.id)).status;
      expect(places, `job ${i} (${status}, ran ${ran})`).toHaveLength(1);
      const place = places[0]!;
      tally[place] = (tally[place] ?? 0) + 1;
      expect(ran, `job ${i} in ${place}`).toBe(place === 'started' ? 0 : 1);
      // Taken by a worker killed before its horse got the job: it never ran, and waits for
      // the abandoned-job clean-up, as on RQ, whose worker forks the horse after the pop.
      if (place === 'started') expect(status).toBe('started');
      else expect(place).toBe('finished');
    }
    expect(tally.finished ?? 0).toBeGreaterThan(0);
    // Some of those were recorded by a horse whose worker was gone, not all by live workers.
    const byHorse = outputs.map((p) => p.output().match(/the horse recorded job/g)?.length ?? 0);
    expect(byHorse.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 120_000);
});
