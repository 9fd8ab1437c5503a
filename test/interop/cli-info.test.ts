import { expect, it } from 'vitest';
import { describeEachPeer } from '../helpers/peers.js';
import { Queue } from '../../src/model/queue.js';
import { formatTimestamp, unixNow } from '../../src/model/time.js';
import { failCommands } from '../../src/model/transitions.js';
import { keys } from '../../src/redis/keys.js';
import { runProcess, runPython } from '../helpers/python.js';
import { runPythonWorker } from '../helpers/python-worker.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { rqts } from '../cli/run.js';

// `rqts info` against the real `rq info` (Debian's RQ 1.13) on the same Redis. 1.13 prints
// only `queue <name> <count>` in raw mode, so registry counts are compared with what
// Python's own registries report (their .count cleans up exactly as rq info does).

const PY = '/usr/bin/python3';

interface InfoDoc {
  suspended: boolean;
  queues: { name: string; count: number; registries: Record<string, number> }[];
  workers: { name: string; state: string; queues: string[] }[];
}

describeEachPeer('interop with Python RQ: rqts info and suspension', (_peer) => {
  let redis: TestRedis;
  useRedis((started) => (redis = started));

  const info = async (): Promise<InfoDoc> => {
    const run = await rqts(['info', '--json', '--url', redis.url]);
    expect(run.stderr).toBe('');
    return JSON.parse(run.stdout) as InfoDoc;
  };

  it('rqts info --json and rq info agree on every queue, registry and worker', async () => {
    const now = unixNow();
    await new Queue('alpha', redis.client).enqueueMany([
      { funcName: 'tasks.a' },
      { funcName: 'tasks.b' },
      { funcName: 'tasks.c' },
    ]);
    const failed = new Queue('alpha', redis.client).createJob({ funcName: 'tasks.fail' });
    const multi = redis.client.multi();
    failCommands(multi, failed, { excString: 'boom', ended: new Date() });
    await multi.exec();
    await redis.client.zadd(keys.registry('finished', 'alpha'), now - 5, 'expired-entry');
    const fromPython = await runPython(
      `
import os
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
conn = Redis.from_url(os.environ['REDIS_URL'])
Queue('beta', connection=conn, serializer=JSONSerializer).enqueue('operator.add', 1, 2)
q = Queue('gamma', connection=conn, serializer=JSONSerializer)
for i in range(4):
    q.enqueue('operator.add', i, 1)
`,
      { REDIS_URL: redis.url },
    );
    expect(fromPython.code, fromPython.stderr).toBe(0);
    const worker = await runPythonWorker(redis.url, { queues: ['gamma'] });
    expect(worker.code, worker.stderr).toBe(0);
    const birth = formatTimestamp(new Date());
    await redis.client
      .multi()
      .hset(keys.worker('ts-worker'), {
        queues: 'alpha,beta',
        state: 'idle',
        birth,
        last_heartbeat: birth,
        pid: '4242',
        hostname: 'h',
        ip_address: '127.0.0.1:1',
      })
      .sadd(keys.allWorkers, keys.worker('ts-worker'))
      .sadd(keys.workersOfQueue('alpha'), keys.worker('ts-worker'))
      .sadd(keys.workersOfQueue('beta'), keys.worker('ts-worker'))
      .exec();

    const ours = await info();
    const byName = Object.fromEntries(ours.queues.map((q) => [q.name, q]));
    expect(Object.keys(byName).sort()).toEqual(['alpha', 'beta', 'gamma']);
    expect(byName.alpha).toMatchObject({ count: 3, registries: { failed: 1, finished: 0 } });
    expect(byName.gamma).toMatchObject({ count: 0, registries: { finished: 4 } });

    const raw = await runProcess(PY, ['-m', 'rq.cli', 'info', '--url', redis.url, '-r', '-Q']);
    expect(raw.code, raw.stderr).toBe(0);
    const theirCounts = Object.fromEntries(
      raw.stdout
        .trim()
        .split('\n')
        .map((line) => {
          // RQ 1.16+ adds ", N executing, N finished, N failed".
          const [, name, count] = /^queue (\S+) (\d+)(?:, .*)?$/.exec(line) ?? [];
          return [name, Number(count)];
        }),
    );
    expect(theirCounts).toEqual(Object.fromEntries(ours.queues.map((q) => [q.name, q.count])));

    const text = await runProcess(PY, ['-m', 'rq.cli', 'info', '--url', redis.url, '-Q']);
    expect(text.stdout.trim().split('\n').at(-1)).toBe(
      `${ours.queues.length} queues, ${ours.queues.reduce((s, q) => s + q.count, 0)} jobs total`,
    );

    const registries = await runPython(
      `
import os, json
from redis import Redis
from rq import Queue
from rq.registry import StartedJobRegistry, FinishedJobRegistry, FailedJobRegistry, DeferredJobRegistry, ScheduledJobRegistry, CanceledJobRegistry
conn = Redis.from_url(os.environ['REDIS_URL'])
out = {}
for q in Queue.all(connection=conn):
    out[q.name] = {'count': q.count, 'registries': {
        'started': StartedJobRegistry(queue=q).count, 'finished': FinishedJobRegistry(queue=q).count,
        'failed': FailedJobRegistry(queue=q).count, 'deferred': DeferredJobRegistry(queue=q).count,
        'scheduled': ScheduledJobRegistry(queue=q).count, 'canceled': CanceledJobRegistry(queue=q).count}}
print(json.dumps(out))
`,
      { REDIS_URL: redis.url },
    );
    expect(registries.code, registries.stderr).toBe(0);
    expect(JSON.parse(registries.stdout)).toEqual(
      Object.fromEntries(ours.queues.map((q) => [q.name, { count: q.count, registries: q.registries }])),
    );

    const workers = await runProcess(PY, ['-m', 'rq.cli', 'info', '--url', redis.url, '-r', '-W']);
    expect(workers.code, workers.stderr).toBe(0);
    // RQ 1.16+ append ", N finished, N failed"-style job counts; the worker's identity is the same.
    expect(workers.stdout.trim()).toMatch(
      /^worker ts-worker \(h 127\.0\.0\.1:1 4242\) idle alpha, beta(?:\W.*)?$/,
    );
    expect(ours.workers.map((w) => [w.name, w.state, w.queues])).toEqual([
      ['ts-worker', 'idle', ['alpha', 'beta']],
    ]);
  });

  it('rq suspend is seen by rqts info, and rqts suspend by Python', async () => {
    const pySuspend = await runProcess(PY, ['-m', 'rq.cli', 'suspend', '--url', redis.url]);
    expect(pySuspend.code, pySuspend.stderr).toBe(0);
    expect((await info()).suspended).toBe(true);
    const text = await rqts(['info', '--url', redis.url]);
    expect(text.stdout).toContain('\nSuspended: workers start no new jobs (rqts resume to resume)\n');
    expect((await runProcess(PY, ['-m', 'rq.cli', 'resume', '--url', redis.url])).code).toBe(0);
    expect((await info()).suspended).toBe(false);

    const isSuspended = async (): Promise<string> => {
      const run = await runPython(
        `
import os
from redis import Redis
from rq.suspension import is_suspended
print(bool(is_suspended(Redis.from_url(os.environ['REDIS_URL']))))
`,
        { REDIS_URL: redis.url },
      );
      expect(run.code, run.stderr).toBe(0);
      return run.stdout.trim();
    };
    expect(await isSuspended()).toBe('False');
    expect((await rqts(['suspend', '--duration', '120', '--url', redis.url])).code).toBe(0);
    expect(await isSuspended()).toBe('True');
    const refused = await runProcess(PY, ['-m', 'rq.cli', 'worker', '--burst', '--url', redis.url, 'alpha']);
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toContain('RQ is currently suspended');
    expect((await rqts(['resume', '--url', redis.url])).code).toBe(0);
    expect(await isSuspended()).toBe('False');
  });
});
