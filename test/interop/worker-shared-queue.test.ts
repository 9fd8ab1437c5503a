import { beforeAll, expect, it } from 'vitest';
import { describeEachPeer } from '../helpers/peers.js';
import { keys } from '../../src/redis/keys.js';
import { killSpawned, type RqtsProcess } from '../helpers/rqts-process.js';
import { startPythonWorker, type PythonWorker } from '../helpers/python-worker.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { INTEROP_FIXTURES, PY_FIXTURES, py, startRqtsWorker } from './worker-interop.js';

// An rqts worker and a Python RQ 1.13 worker drain one queue together. `record.hit` exists in
// both --path roots (test/fixtures/interop/record.js, test/fixtures/py/record.py); each appends
// "<job id> js|py" to a Redis list per execution, so a job run twice, or never, shows.

const JOBS = 200;
const QUEUE = 'shared';
const HITS = 'interop:hits';
const JS_NAME = 'js-share';
const PY_NAME = 'py-share';
// A few ms of work per job, so the fast rqts worker cannot drain the queue before Python's
// fork-per-job worker takes any.
const DELAY_MS = 10;

interface Outcome {
  statuses: Record<string, number>;
  by_job: Record<string, { result: unknown; worker_name: string }>;
  queued: number;
  started: number;
  failed: number;
  finished: number;
  workers: Record<string, { successful: number; failed: number }>;
}

describeEachPeer('interop: an rqts worker and a Python worker share one queue', (_peer) => {
  let redis: TestRedis;
  let jsWorker: RqtsProcess;
  let pyWorker: PythonWorker;
  useRedis((started) => (redis = started), killSpawned);
  beforeAll(async () => {
    const env = { FIXTURE_REDIS_URL: redis.url, PYTHONDONTWRITEBYTECODE: '1' };
    jsWorker = startRqtsWorker(redis.url, ['--path', INTEROP_FIXTURES, '--name', JS_NAME, QUEUE], env);
    pyWorker = startPythonWorker(redis.url, { path: PY_FIXTURES, name: PY_NAME, queues: [QUEUE] }, env);
    for (const name of [JS_NAME, PY_NAME]) {
      await waitFor(
        async () => (await redis.client.hget(keys.worker(name), 'state')) === 'idle',
        30_000,
        `${name} idle`,
      );
    }
  });

  it(`runs each of ${JOBS} jobs exactly once, some on each worker`, async () => {
    const ids = await py<string[]>(
      redis.url,
      `
q = queue('${QUEUE}')
jobs = q.enqueue_many([Queue.prepare_data('record.hit', args=('${HITS}', ${DELAY_MS})) for _ in range(${JOBS})])
out([j.id for j in jobs])
`,
    );
    expect(new Set(ids).size).toBe(JOBS);
    const finished = keys.registry('finished', QUEUE);
    await waitFor(async () => (await redis.client.zcard(finished)) === JOBS, 30_000, `${JOBS} finished jobs`);

    const hits = (await redis.client.lrange(HITS, 0, -1)).map(
      (entry) => entry.split(' ') as [string, string],
    );
    expect(hits).toHaveLength(JOBS);
    const ranBy = new Map(hits);
    expect(ranBy.size).toBe(JOBS);
    expect([...ranBy.keys()].sort()).toEqual([...ids].sort());
    const jsCount = hits.filter(([, side]) => side === 'js').length;
    const pyCount = hits.filter(([, side]) => side === 'py').length;
    expect(jsCount).toBeGreaterThan(0);
    expect(pyCount).toBeGreaterThan(0);
    expect(jsCount + pyCount).toBe(JOBS);

    const outcome = await py<Outcome>(
      redis.url,
      `
from collections import Counter
q = queue('${QUEUE}')
jobs = Job.fetch_many(json.loads(os.environ['IDS']), connection=conn, serializer=JSONSerializer)
out({'statuses': Counter(j.get_status() for j in jobs),
     'by_job': {j.id: {'result': j.return_value(), 'worker_name': j.worker_name} for j in jobs},
     'queued': q.count, 'started': StartedJobRegistry(queue=q).count, 'failed': FailedJobRegistry(queue=q).count,
     'finished': FinishedJobRegistry(queue=q).count,
     'workers': {w.name: {'successful': w.successful_job_count, 'failed': w.failed_job_count} for w in Worker.all(connection=conn)}})
`,
      { IDS: JSON.stringify(ids) },
    );
    expect(outcome.statuses).toEqual({ finished: JOBS });
    expect({
      queued: outcome.queued,
      started: outcome.started,
      failed: outcome.failed,
      finished: outcome.finished,
    }).toEqual({ queued: 0, started: 0, failed: 0, finished: JOBS });
    // Each job's result and worker_name agree with the side that recorded running it.
    for (const id of ids) {
      const side = ranBy.get(id);
      expect(outcome.by_job[id]).toEqual({ result: side, worker_name: side === 'js' ? JS_NAME : PY_NAME });
    }
    expect(outcome.workers).toEqual({
      [JS_NAME]: { successful: jsCount, failed: 0 },
      [PY_NAME]: { successful: pyCount, failed: 0 },
    });
  });

  it('both workers shut down cleanly on RQ shutdown commands, with no late second run', async () => {
    await py(
      redis.url,
      `from rq.command import send_shutdown_command\nout([send_shutdown_command(conn, n) for n in ['${JS_NAME}', '${PY_NAME}']])`,
    );
    expect(await jsWorker.exited, jsWorker.output()).toBe(0);
    expect(await pyWorker.exited, pyWorker.output()).toBe(0);
    expect(await py<number>(redis.url, 'out(Worker.count(connection=conn))')).toBe(0);
    // Nothing ran a second time after the count of finished jobs was reached.
    expect(await redis.client.llen(HITS)).toBe(JOBS);
  });
});
