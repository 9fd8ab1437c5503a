import { expect, it } from 'vitest';
import { describeEachPeer } from '../helpers/peers.js';
import { Job, latestResult, Queue } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { runPython } from '../helpers/python.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, runRqts, spawnRqts, killSpawned } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';

describeEachPeer('rqts worker --with-scheduler', (_peer) => {
  let redis: TestRedis;
  useRedis((started) => (redis = started), killSpawned);

  it('runs jobs Python scheduled with enqueue_in once due, and retries with intervals come back', async () => {
    const py = await runPython(
      `
import os, json
from datetime import timedelta
from redis import Redis
from rq import Queue, Retry
from rq.serializers import JSONSerializer
q = Queue('sched', connection=Redis.from_url(os.environ['REDIS_URL']), serializer=JSONSerializer)
later = q.enqueue_in(timedelta(seconds=1), 'tasks.add', 20, 22)
flaky = q.enqueue('tasks.fail', 'again', retry=Retry(max=1, interval=1))
print(json.dumps({'later': later.id, 'flaky': flaky.id, 'status': later.get_status()}))
`,
      { REDIS_URL: redis.url },
    );
    expect(py.code, py.stderr).toBe(0);
    const ids = JSON.parse(py.stdout) as { later: string; flaky: string; status: string };
    expect(ids.status).toBe('scheduled');
    const proc = spawnRqts([
      'worker',
      'sched',
      '--url',
      redis.url,
      '--path',
      FIXTURES,
      '--with-scheduler',
      '--name',
      'scheduler-worker',
    ]);
    await waitFor(
      async () => (await latestResult(redis.client, ids.later))?.returnValue === 42,
      20_000,
      'scheduled job ran',
    );
    await waitFor(
      async () => (await Job.fetch(redis.client, ids.flaky)).status === 'failed',
      20_000,
      'retried job failed for good',
    );
    const flaky = await Job.fetch(redis.client, ids.flaky);
    expect(flaky.retriesLeft).toBe(0);
    expect(await redis.client.zcard(keys.registry('scheduled', 'sched'))).toBe(0);
    expect(await redis.client.get(keys.schedulerLock('sched'))).toBe(String(proc.child.pid));
    proc.kill('SIGTERM');
    expect(await proc.exited, proc.output()).toBe(0);
    expect(await redis.client.exists(keys.schedulerLock('sched'))).toBe(0);
  });

  it('a burst worker with -s enqueues what is already due, and nothing that is not', async () => {
    const queue = new Queue('sched-burst', redis.client);
    const due = await queue.enqueue('tasks.add', [1, 1]);
    const notDue = await queue.enqueue('tasks.add', [2, 2]);
    // Move both into the scheduled registry as RQ's enqueue_at does: one in the past, one far ahead.
    await redis.client
      .multi()
      .lrem(queue.key, 0, due.id)
      .lrem(queue.key, 0, notDue.id)
      .hset(keys.job(due.id), 'status', 'scheduled')
      .hset(keys.job(notDue.id), 'status', 'scheduled')
      .zadd(keys.registry('scheduled', 'sched-burst'), 1, due.id, 4_000_000_000, notDue.id)
      .exec();
    const run = await runRqts([
      'worker',
      'sched-burst',
      '--url',
      redis.url,
      '--path',
      FIXTURES,
      '--burst',
      '-s',
    ]);
    expect(run.code, run.output).toBe(0);
    expect((await Job.fetch(redis.client, due.id)).status).toBe('finished');
    expect((await Job.fetch(redis.client, notDue.id)).status).toBe('scheduled');
  });
});
