import { beforeAll, expect, it } from 'vitest';
import { describeEachPeer } from '../helpers/peers.js';
import { InvalidJobOperation, Queue, sendStopJobCommand } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { killSpawned, runRqts } from '../helpers/rqts-process.js';
import { startPythonWorker, type PythonWorker } from '../helpers/python-worker.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import {
  HORSE_KILLED,
  PY_FIXTURES,
  py,
  type PyJobView,
  type PyWorkerView,
  STOPPED,
  viewJob,
  viewWorkers,
} from './worker-interop.js';

// RQ's pub/sub commands sent by rqts (CLI and library) to a Python RQ 1.13 worker stuck in a job.

describeEachPeer('interop: rqts senders act on a Python RQ worker', (_peer) => {
  const NAME = 'pyw';
  let redis: TestRedis;
  let pyWorker: PythonWorker;
  useRedis((started) => (redis = started), killSpawned);
  beforeAll(async () => {
    pyWorker = startPythonWorker(
      redis.url,
      { path: PY_FIXTURES, name: NAME, queues: ['q'] },
      { PYTHONDONTWRITEBYTECODE: '1' },
    );
    await pyWorker.ready(redis.client);
  });

  const queue = () => new Queue('q', redis.client);
  const currentJob = () => redis.client.hget(keys.worker(NAME), 'current_job');
  const status = (id: string) => redis.client.hget(keys.job(id), 'status');
  const rqts = async (...args: string[]) => {
    const run = await runRqts([...args, '--url', redis.url]);
    expect(run.code, run.output).toBe(0);
    return run.output;
  };

  it('rqts kill-horse: the Python job fails with the horse-terminated text; the Python worker carries on', async () => {
    const stuck = await queue().enqueue('pytasks.hang');
    const next = await queue().enqueue('pytasks.add', [20, 22]);
    await waitFor(
      async () => (await currentJob()) === stuck.id,
      30_000,
      'python worker running the hang job',
    );
    expect(await rqts('kill-horse', NAME)).toContain(`Sent kill-horse to worker ${NAME}`);
    await waitFor(
      async () => (await status(next.id)) === 'finished',
      30_000,
      `next job finished; python output:\n${pyWorker.output()}`,
    );

    expect(await py<PyJobView>(redis.url, viewJob(stuck.id))).toEqual({
      status: 'failed',
      exc: HORSE_KILLED,
      in_failed: true,
      return_value: null,
    });
    expect(await py<PyJobView>(redis.url, viewJob(next.id))).toMatchObject({
      status: 'finished',
      return_value: 42,
    });
    expect(pyWorker.child.exitCode).toBeNull();
  });

  it('rqts stop-job: the Python job ends stopped, in the failed registry', async () => {
    const stuck = await queue().enqueue('pytasks.hang');
    await waitFor(
      async () => (await currentJob()) === stuck.id,
      30_000,
      'python worker running the hang job',
    );
    expect(await rqts('stop-job', stuck.id)).toContain(`Sent stop-job for ${stuck.id} to worker ${NAME}`);
    await waitFor(
      async () => (await status(stuck.id)) === 'stopped',
      30_000,
      `job stopped; python output:\n${pyWorker.output()}`,
    );

    expect(await py<PyJobView>(redis.url, viewJob(stuck.id))).toEqual({
      status: 'stopped',
      exc: STOPPED,
      in_failed: true,
      return_value: null,
    });
    // The Python worker left the job's worker_name empty: nobody runs it, so a second stop is refused.
    await expect(sendStopJobCommand(redis.client, stuck.id)).rejects.toBeInstanceOf(InvalidJobOperation);
    const [view] = await py<PyWorkerView[]>(redis.url, viewWorkers);
    expect(view).toMatchObject({ name: NAME, state: 'idle', current_job_id: null, successful: 1, failed: 2 });
  });

  it('rqts shutdown: the Python worker exits and is no longer listed', async () => {
    expect(await rqts('shutdown', NAME)).toContain(`Sent shutdown to worker ${NAME}`);
    expect(await pyWorker.exited, pyWorker.output()).toBe(0);
    expect(
      await py<unknown>(
        redis.url,
        `out([[w.name for w in Worker.all(connection=conn)], Worker.count(connection=conn)])`,
      ),
    ).toEqual([[], 0]);
  });
});
