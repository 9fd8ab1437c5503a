import { describe, expect, it } from 'vitest';
import { PEERS } from '../helpers/peers.js';
import { runProcess } from '../helpers/python.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned } from '../helpers/rqts-process.js';
import { INTEROP_FIXTURES, JSON_SERIALIZER, PY_FIXTURES, py, startRqtsWorker } from './worker-interop.js';
import { PYTHON } from '../helpers/python.js';

// What an RQ 2.10 producer asks of a job's next run, honoured by an rqts worker speaking 2 as
// by a 2.10 worker: the same jobs run on each, and both must leave the same traces.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

const rq210 = PEERS.find((peer) => peer.major === 2);
const env = rq210?.env ?? {};

/** Runs queue `queue` to empty on a burst worker of `kind` (both record into FIXTURE_REDIS_URL). */
async function drain(kind: 'rqts' | 'python', queue: string, extra: string[] = []): Promise<void> {
  const fixtures = { FIXTURE_REDIS_URL: redis.url };
  if (kind === 'rqts') {
    const worker = startRqtsWorker(
      redis.url,
      ['--path', INTEROP_FIXTURES, '--rq-protocol', '2', '--burst', ...extra, queue],
      fixtures,
    );
    expect(await worker.exited, worker.output()).toBe(0);
    return;
  }
  const run = await runProcess(
    PYTHON,
    [
      '-m',
      'rq.cli',
      'worker',
      '--url',
      redis.url,
      '-S',
      JSON_SERIALIZER,
      '--path',
      PY_FIXTURES,
      '--burst',
      ...extra,
      queue,
    ],
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
});
