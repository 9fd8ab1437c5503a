import { expect, it } from 'vitest';
import { describeEachPeer } from '../helpers/peers.js';
import { Job, latestResult, Queue } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { runPython } from '../helpers/python.js';
import { runPythonWorker } from '../helpers/python-worker.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';

describeEachPeer('interop with Python RQ: jobs', (_peer) => {
  let redis: TestRedis;
  useRedis((started) => (redis = started));

  it('a job enqueued by rqts runs on a Python worker and rqts reads its result', async () => {
    const queue = new Queue('interop', redis.client);
    const job = await queue.enqueue('operator.add', [1, 2]);
    const run = await runPythonWorker(redis.url, { queues: ['interop'] });
    expect(run.code, run.stderr).toBe(0);
    const fetched = await Job.fetch(redis.client, job.id);
    expect(fetched.status).toBe('finished');
    const result = await latestResult(redis.client, job.id);
    expect(result?.type).toBe('successful');
    expect(result?.returnValue).toBe(3);
    expect(await redis.client.zscore(keys.registry('finished', 'interop'), job.id)).not.toBeNull();
  });

  it('a job enqueued from Python with the JSON serializer reads back with every field', async () => {
    const py = await runPython(
      `
import os, json
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
q = Queue('frompy', connection=Redis.from_url(os.environ['REDIS_URL']), serializer=JSONSerializer)
job = q.enqueue('tasks.greet', 'Frank', 3, punctuation='!', meta={'team': 'ops'}, job_timeout=90, ttl=600, result_ttl=77, failure_ttl=3600, description='hello')
print(json.dumps({'id': job.id, 'created_at': job.created_at.isoformat(), 'enqueued_at': job.enqueued_at.isoformat()}))
`,
      { REDIS_URL: redis.url },
    );
    expect(py.code, py.stderr).toBe(0);
    const info = JSON.parse(py.stdout) as { id: string; created_at: string; enqueued_at: string };
    const job = await Job.fetch(redis.client, info.id);
    expect(job.getCall()).toEqual({
      funcName: 'tasks.greet',
      args: ['Frank', 3],
      kwargs: { punctuation: '!' },
    });
    expect(job.meta).toEqual({ team: 'ops' });
    expect(job.timeout).toBe(90);
    expect(job.ttl).toBe(600);
    expect(job.resultTtl).toBe(77);
    expect(job.failureTtl).toBe(3600);
    expect(job.description).toBe('hello');
    expect(job.origin).toBe('frompy');
    expect(job.status).toBe('queued');
    expect(job.createdAt?.toISOString().slice(0, 23)).toBe(info.created_at.slice(0, 23));
    expect(job.enqueuedAt?.toISOString().slice(0, 23)).toBe(info.enqueued_at.slice(0, 23));
    expect(await new Queue('frompy', redis.client).jobIds()).toEqual([info.id]);
  });

  it('a job enqueued from Python with pickle is reported as pickle, with its metadata intact', async () => {
    const py = await runPython(
      `
import os
from redis import Redis
from rq import Queue
q = Queue('pickled', connection=Redis.from_url(os.environ['REDIS_URL']))
print(q.enqueue('operator.add', 1, 2).id)
`,
      { REDIS_URL: redis.url },
    );
    expect(py.code, py.stderr).toBe(0);
    const job = await Job.fetch(redis.client, py.stdout.trim());
    expect(job.isPickled).toBe(true);
    expect(job.description).toBe('operator.add(1, 2)');
    expect(() => job.getCall()).toThrow(/pickle is not supported/);
  });

  it('Python reads the fields of a job enqueued by rqts', async () => {
    const queue = new Queue('topy', redis.client);
    const job = await queue.enqueue(
      'tasks.greet',
      ['Zoë', 2],
      { loud: true },
      { timeout: '2m', ttl: 300, resultTtl: 60, failureTtl: 120, meta: { a: 1 }, description: 'déjà vu' },
    );
    const py = await runPython(
      `
import os, json
from redis import Redis
from rq.job import Job
from rq.serializers import JSONSerializer
job = Job.fetch(os.environ['JOB_ID'], connection=Redis.from_url(os.environ['REDIS_URL']), serializer=JSONSerializer)
print(json.dumps({'func': job.func_name, 'args': job.args, 'kwargs': job.kwargs, 'timeout': job.timeout, 'ttl': job.ttl,
  'result_ttl': job.result_ttl, 'failure_ttl': job.failure_ttl, 'meta': job.meta, 'description': job.description,
  'status': job.get_status(), 'origin': job.origin, 'enqueued': job.enqueued_at is not None}))
`,
      { REDIS_URL: redis.url, JOB_ID: job.id },
    );
    expect(py.code, py.stderr).toBe(0);
    expect(JSON.parse(py.stdout)).toEqual({
      func: 'tasks.greet',
      args: ['Zoë', 2],
      kwargs: { loud: true },
      timeout: 120,
      ttl: 300,
      result_ttl: 60,
      failure_ttl: 120,
      meta: { a: 1 },
      description: 'déjà vu',
      status: 'queued',
      origin: 'topy',
      enqueued: true,
    });
  });
});
