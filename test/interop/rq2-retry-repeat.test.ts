import { describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { PEERS } from '../helpers/peers.js';
import { runPythonWorker, startPythonWorker } from '../helpers/python-worker.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { INTEROP_FIXTURES, PY_FIXTURES, py, startRqtsWorker } from './worker-interop.js';

// What an RQ 2.10 producer asks of a job's next run, honoured by an rqts worker speaking 2 as
// by a 2.10 worker: the same jobs run on each, and both must leave the same traces.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

const rq210 = PEERS.find((peer) => peer.major === 2);
const env = rq210?.env ?? {};

/** Runs queue `queue` to empty on a burst worker of `kind` (both record into FIXTURE_REDIS_URL). */
async function drain(kind: 'rqts' | 'python', queue: string): Promise<void> {
  const fixtures = { FIXTURE_REDIS_URL: redis.url };
  if (kind === 'rqts') {
    const worker = startRqtsWorker(
      redis.url,
      ['--path', INTEROP_FIXTURES, '--rq-protocol', '2', '--burst', queue],
      fixtures,
    );
    expect(await worker.exited, worker.output()).toBe(0);
    return;
  }
  const run = await runPythonWorker(
    redis.url,
    { path: PY_FIXTURES, queues: [queue] },
    { ...env, ...fixtures },
  );
  expect(run.code, run.stderr).toBe(0);
}

/** The job ids of list `key` in run order. */
async function runs(key: string): Promise<string[]> {
  return (await redis.client.lrange(key, 0, -1)).map((entry) => entry.split(' ')[0]!);
}

describe.skipIf(!rq210)('rqts speaking 2 runs RQ 2.10 jobs’ next runs as 2.10 does', () => {
  it('Retry(enqueue_at_front=True) puts the retry at the head of the queue; a plain retry at the tail', async () => {
    const orders: Record<string, string[]> = {};
    for (const kind of ['python', 'rqts'] as const) {
      const list = `order:${kind}`;
      const queue = `front-${kind}`;
      const stored = await py<Record<string, string | null>>(
        redis.url,
        `
from rq import Retry
q = queue('${queue}')
q.enqueue('record.hitThenFail', '${list}', job_id='tail${kind}', retry=Retry(max=1))
q.enqueue('record.hitThenFail', '${list}', job_id='head${kind}', retry=Retry(max=1, enqueue_at_front=True))
q.enqueue('record.hit', '${list}', job_id='a${kind}')
q.enqueue('record.hit', '${list}', job_id='b${kind}')
out({f: conn.hget('rq:job:' + f + '${kind}', 'enqueue_at_front_on_retry') and conn.hget('rq:job:' + f + '${kind}', 'enqueue_at_front_on_retry').decode() for f in ('head', 'tail')})
`,
        env,
      );
      // What 2.10 stores for the flag: '1' with it, nothing without.
      expect(stored).toEqual({ head: '1', tail: null });
      await drain(kind, queue);
      orders[kind] = (await runs(list)).map((id) => id.slice(0, -kind.length));
      const seen = await py<Record<string, unknown>>(
        redis.url,
        `out({i: [fetch(i + '${kind}').get_status(), fetch(i + '${kind}').retries_left] for i in ('head', 'tail')})`,
        env,
      );
      expect(seen).toEqual({ head: ['failed', 0], tail: ['failed', 0] });
    }
    expect(orders.python).toEqual(['tail', 'head', 'head', 'a', 'b', 'tail']);
    expect(orders.rqts).toEqual(orders.python);
  });

  it('Repeat(times=2) runs three times, intervals through the scheduled registry, and ends as 2.10 leaves it', async () => {
    const views: Record<string, unknown> = {};
    const offsets: Record<string, number[]> = {};
    for (const kind of ['python', 'rqts'] as const) {
      const list = `repeat:${kind}`;
      const queue = `rep-${kind}`;
      // Intervals that tell the order apart: 2.10 waits 3 s before the first repeat, then 1 s.
      await py(
        redis.url,
        `
from rq.repeat import Repeat
q = queue('${queue}')
q.enqueue('record.hit', '${list}', job_id='later${kind}', repeat=Repeat(times=2, interval=[1, 3]))
q.enqueue('record.hit', '${list}', job_id='now${kind}', repeat=Repeat(times=2))
out(True)
`,
        env,
      );
      // Each distinct (id, due) the scheduled registry holds while the repeats wait.
      const dues: number[] = [];
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const entries = await redis.client.zrange(keys.registry('scheduled', queue), 0, -1, 'WITHSCORES');
          for (let i = 0; i + 1 < entries.length; i += 2) {
            const due = Number(entries[i + 1]);
            if (entries[i] === `later${kind}` && !dues.includes(due)) dues.push(due);
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const fixtures = { FIXTURE_REDIS_URL: redis.url };
      const stop =
        kind === 'rqts'
          ? (() => {
              const worker = startRqtsWorker(
                redis.url,
                ['--path', INTEROP_FIXTURES, '--rq-protocol', '2', '--with-scheduler', queue],
                fixtures,
              );
              return async () => {
                worker.kill('SIGTERM');
                expect(await worker.exited, worker.output()).toBe(0);
              };
            })()
          : (() => {
              const worker = startPythonWorker(
                redis.url,
                { path: PY_FIXTURES, withScheduler: true, queues: [queue] },
                { ...env, ...fixtures },
              );
              return () => worker.stop();
            })();
      await waitFor(
        async () => (await runs(list)).filter((id) => id === `later${kind}`).length === 3,
        30_000,
        `three runs of later${kind}`,
      );
      await waitFor(
        async () => (await redis.client.hget(keys.job(`later${kind}`), 'status')) === 'finished',
        10_000,
        `later${kind} finished`,
      );
      sampling = false;
      await sampler;
      await stop();
      const ended = (await redis.client.xrange(keys.results(`later${kind}`), '-', '+')).map(([, fields]) =>
        Number(fields[fields.indexOf('execution_ended_at') + 1]),
      );
      // Both schedule at the whole second now + interval: floor(end) + interval, give or take
      // the second the end straddled.
      offsets[kind] = dues.map((due, i) => due - Math.floor(ended[i]!));
      views[kind] = await py(
        redis.url,
        `
from rq.registry import ScheduledJobRegistry
out({i: {'status': fetch(i + '${kind}').get_status(), 'repeats_left': fetch(i + '${kind}').repeats_left,
         'results': len(fetch(i + '${kind}').results()),
         'finished': i + '${kind}' in FinishedJobRegistry(queue=queue('${queue}')),
         'scheduled': i + '${kind}' in ScheduledJobRegistry(queue=queue('${queue}')),
         'expires': 0 < conn.ttl('rq:job:' + i + '${kind}') <= 500}
     for i in ('later', 'now')})
`,
        env,
      );
      expect((await runs(list)).sort()).toEqual([
        ...Array(3).fill(`later${kind}`),
        ...Array(3).fill(`now${kind}`),
      ]);
    }
    const final = {
      status: 'finished',
      repeats_left: 0,
      results: 3,
      finished: true,
      scheduled: false,
      expires: true,
    };
    expect(views.python).toEqual({ later: final, now: final });
    expect(views.rqts).toEqual(views.python);
    expect(offsets.python).toHaveLength(2);
    for (const kind of ['python', 'rqts']) {
      const [first, second] = offsets[kind]!;
      expect(Math.abs(first! - 3), `${kind} ${JSON.stringify(offsets)}`).toBeLessThanOrEqual(1);
      expect(Math.abs(second! - 1), `${kind} ${JSON.stringify(offsets)}`).toBeLessThanOrEqual(1);
    }
  });
});
