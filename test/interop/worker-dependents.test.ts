import { expect, it } from 'vitest';
import { describeEachPeer } from '../helpers/peers.js';
import { Job, latestResult } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { runPython } from '../helpers/python.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, runRqts, killSpawned } from '../helpers/rqts-process.js';

// Jobs a Python producer chained with depends_on are released by the rqts worker that
// finishes (or fails) their parent, exactly once.

describeEachPeer('dependents of jobs run by an rqts worker', (_peer) => {
  let redis: TestRedis;
  useRedis((started) => (redis = started), killSpawned);

  it('a finished parent releases its deferred child; a failed parent releases only allow_failure children', async () => {
    const py = await runPython(
      `
import os, json
from redis import Redis
from rq import Queue
from rq.job import Dependency
from rq.serializers import JSONSerializer
q = Queue('deps', connection=Redis.from_url(os.environ['REDIS_URL']), serializer=JSONSerializer)
parent = q.enqueue('tasks.add', 1, 2)
child = q.enqueue('tasks.add', 3, 4, depends_on=parent)
bad = q.enqueue('tasks.fail', 'parent failed')
strict = q.enqueue('tasks.add', 5, 6, depends_on=bad)
lenient = q.enqueue('tasks.add', 7, 8, depends_on=Dependency(jobs=[bad], allow_failure=True))
print(json.dumps({'child': child.id, 'strict': strict.id, 'lenient': lenient.id, 'status': child.get_status()}))
`,
      { REDIS_URL: redis.url },
    );
    expect(py.code, py.stderr).toBe(0);
    const ids = JSON.parse(py.stdout) as { child: string; strict: string; lenient: string; status: string };
    expect(ids.status).toBe('deferred');
    const run = await runRqts(['worker', 'deps', '--url', redis.url, '--path', FIXTURES, '--burst']);
    expect(run.code, run.output).toBe(0);
    expect((await latestResult(redis.client, ids.child))?.returnValue).toBe(7);
    expect((await latestResult(redis.client, ids.lenient))?.returnValue).toBe(15);
    expect((await Job.fetch(redis.client, ids.strict)).status).toBe('deferred');
    expect(await redis.client.zrange(keys.registry('deferred', 'deps'), 0, -1)).toEqual([ids.strict]);
  });
});
