import { expect, it } from 'vitest';
import { describeEachPeer } from '../helpers/peers.js';
import { FIXTURES, killSpawned } from '../helpers/rqts-process.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { py, startRqtsWorker } from './worker-interop.js';

// A Python RQ 1.13 producer, an rqts worker running the JS functions, and Python reading the
// outcome with its own Job/registry/result classes.

interface PyOutcome {
  status: string;
  result: unknown;
  return_value: unknown;
  exc_info: string | null;
  latest_type: string | null;
  latest_return: unknown;
  latest_exc: string | null;
  worker_name: string | null;
  started: boolean;
  ended: boolean;
  in_finished: boolean;
  in_failed: boolean;
  in_started: boolean;
}

const READ_OUTCOMES = `
q = queue(os.environ['QUEUE'])
finished, failed, started = FinishedJobRegistry(queue=q), FailedJobRegistry(queue=q), StartedJobRegistry(queue=q)
views = {}
for job_id in json.loads(os.environ['IDS']):
    job = fetch(job_id)
    latest = job.latest_result()
    views[job_id] = {'status': job.get_status(), 'result': job.result, 'return_value': job.return_value(),
        'exc_info': job.exc_info, 'latest_type': latest.type.name if latest else None,
        'latest_return': latest.return_value if latest else None, 'latest_exc': latest.exc_string if latest else None,
        'worker_name': job.worker_name, 'started': job.started_at is not None, 'ended': job.ended_at is not None,
        'in_finished': job_id in finished, 'in_failed': job_id in failed, 'in_started': job_id in started}
out(views)
`;

describeEachPeer('interop: Python producer, rqts worker', (_peer) => {
  let redis: TestRedis;
  useRedis((started) => (redis = started), killSpawned);

  it('runs tasks.add and tasks.greet enqueued by Python; Python reads finished and the return values', async () => {
    const ids = await py<{ add: string; greet: string }>(
      redis.url,
      `
q = queue('pyjobs')
out({'add': q.enqueue('tasks.add', 19, 23).id, 'greet': q.enqueue('tasks.greet', 'Ada', punctuation='?').id})
`,
    );
    const worker = startRqtsWorker(redis.url, [
      '--burst',
      '--path',
      FIXTURES,
      '--name',
      'js-burst',
      'pyjobs',
    ]);
    expect(await worker.exited, worker.output()).toBe(0);

    const views = await py<Record<string, PyOutcome>>(redis.url, READ_OUTCOMES, {
      QUEUE: 'pyjobs',
      IDS: JSON.stringify([ids.add, ids.greet]),
    });
    const add = views[ids.add]!;
    expect(add).toMatchObject({
      status: 'finished',
      result: 42,
      return_value: 42,
      latest_type: 'SUCCESSFUL',
      latest_return: 42,
      exc_info: null,
    });
    expect(add).toMatchObject({
      worker_name: 'js-burst',
      started: true,
      ended: true,
      in_finished: true,
      in_failed: false,
      in_started: false,
    });
    expect(views[ids.greet]).toMatchObject({
      status: 'finished',
      return_value: 'Hi there, Ada?',
      in_finished: true,
    });
  });

  it('a JS job that throws is failed in Python, in FailedJobRegistry, with the JS error text', async () => {
    const ids = await py<{ fail: string; after: string }>(
      redis.url,
      `
q = queue('pyfail')
out({'fail': q.enqueue('tasks.fail', 'the JS side says no').id, 'after': q.enqueue('tasks.add', 1, 1).id})
`,
    );
    const worker = startRqtsWorker(redis.url, ['--burst', '--path', FIXTURES, 'pyfail']);
    expect(await worker.exited, worker.output()).toBe(0);

    const views = await py<Record<string, PyOutcome>>(redis.url, READ_OUTCOMES, {
      QUEUE: 'pyfail',
      IDS: JSON.stringify([ids.fail, ids.after]),
    });
    const failed = views[ids.fail]!;
    expect(failed).toMatchObject({
      status: 'failed',
      latest_type: 'FAILED',
      in_failed: true,
      in_finished: false,
      in_started: false,
      ended: true,
    });
    expect(failed.exc_info).toContain('Error: the JS side says no');
    expect(failed.latest_exc).toContain('Error: the JS side says no');
    // A failure does not stop the worker: the next job still ran.
    expect(views[ids.after]).toMatchObject({ status: 'finished', return_value: 2 });
  });
});
