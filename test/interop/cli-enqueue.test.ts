import { expect, it } from 'vitest';
import { describeEachPeer } from '../helpers/peers.js';
import { Job } from '../../src/model/job.js';
import { latestResult } from '../../src/model/results.js';
import { runPython } from '../helpers/python.js';
import { runPythonWorker } from '../helpers/python-worker.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { rqts } from '../cli/run.js';

// Jobs put on queues by `rqts enqueue` and moved by `rqts requeue` are run by the real peer.

describeEachPeer('interop with Python RQ: rqts enqueue and requeue', (_peer) => {
  let redis: TestRedis;
  useRedis((started) => (redis = started));

  const burst = (queue: string) => runPythonWorker(redis.url, { queues: [queue] });

  it('a Python worker runs what rqts enqueue put on the queue', async () => {
    const run = await rqts(['enqueue', '--url', redis.url, '-q', 'cli', 'operator.add', ':1', ':2']);
    expect(run.stdout).toMatch(/^Enqueued operator\.add\(1, 2\) with job-id '[0-9a-f-]{36}'\.\n$/);
    const id = /job-id '([^']+)'/.exec(run.stdout)?.[1] ?? '';
    const worker = await burst('cli');
    expect(worker.code, worker.stderr).toBe(0);
    expect((await Job.fetch(redis.client, id)).status).toBe('finished');
    expect((await latestResult(redis.client, id))?.returnValue).toBe(3);
    const seen = await runPython(
      `
import os
from redis import Redis
from rq.job import Job
from rq.serializers import JSONSerializer
job = Job.fetch(os.environ['JOB_ID'], connection=Redis.from_url(os.environ['REDIS_URL']), serializer=JSONSerializer)
print(job.description, job.args, job.kwargs, job.return_value())
`,
      { REDIS_URL: redis.url, JOB_ID: id },
    );
    expect(seen.stdout.trim()).toBe('operator.add(1, 2) [1, 2] {} 3');
  });

  it('rqts requeue puts a job Python failed back, and Python runs it again', async () => {
    const run = await rqts([
      'enqueue',
      '--url',
      redis.url,
      '-q',
      'div',
      '--job-id',
      'div-1',
      'operator.truediv',
      ':1',
      ':0',
    ]);
    expect(run.code).toBe(0);
    expect((await burst('div')).code).toBe(0);
    expect((await Job.fetch(redis.client, 'div-1')).status).toBe('failed');
    const requeue = await rqts(['requeue', '--url', redis.url, '--queue', 'div', '--all']);
    expect(requeue).toMatchObject({ code: 0, stdout: 'Requeueing 1 jobs from failed queue\n', stderr: '' });
    const status = await runPython(
      `
import os
from redis import Redis
from rq.job import Job
from rq.serializers import JSONSerializer
status = Job.fetch('div-1', connection=Redis.from_url(os.environ['REDIS_URL']), serializer=JSONSerializer).get_status()
print(getattr(status, 'value', status))  # an Enum from RQ 1.16 on
`,
      { REDIS_URL: redis.url },
    );
    expect(status.stdout.trim()).toBe('queued');
    expect((await burst('div')).code).toBe(0);
    expect((await Job.fetch(redis.client, 'div-1')).status).toBe('failed');
  });
});
