import { beforeAll, expect, it } from 'vitest';
import { describeEachPeer } from '../helpers/peers.js';
import { keys } from '../../src/redis/keys.js';
import { isAlive, killSpawned, type RqtsProcess } from '../helpers/rqts-process.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import {
  RQTS_HORSE_KILLED,
  py,
  type PyJobView,
  type PyWorkerView,
  startListeningRqtsWorker,
  STOPPED,
  viewJob,
  viewWorkers,
} from './worker-interop.js';

// RQ's pub/sub commands sent by Python's rq.command helpers to an rqts worker.

describeEachPeer('interop: Python rq.command senders act on an rqts worker', (_peer) => {
  const NAME = 'js-commanded';
  let redis: TestRedis;
  let worker: RqtsProcess;
  useRedis((started) => (redis = started), killSpawned);
  beforeAll(async () => {
    worker = await startListeningRqtsWorker(redis.url, NAME, ['cmd']);
  });

  const currentJob = () => redis.client.hget(keys.worker(NAME), 'current_job');
  const status = (id: string) => redis.client.hget(keys.job(id), 'status');
  const enqueue = (call: string) => py<string>(redis.url, `out(queue('cmd').enqueue(${call}).id)`);

  it('send_kill_horse_command: the job fails with the horse-terminated text; the worker runs the next job', async () => {
    const [stuck, next] = await py<[string, string]>(
      redis.url,
      `q = queue('cmd')\nout([q.enqueue('tasks.hang').id, q.enqueue('tasks.add', 4, 5).id])`,
    );
    await waitFor(async () => (await currentJob()) === stuck, 30_000, 'hang job running');
    await py(
      redis.url,
      `from rq.command import send_kill_horse_command\nout(send_kill_horse_command(conn, '${NAME}'))`,
    );
    await waitFor(async () => (await status(next)) === 'finished', 30_000, 'next job finished');

    expect(await py<PyJobView>(redis.url, viewJob(stuck))).toEqual({
      status: 'failed',
      exc: expect.stringMatching(RQTS_HORSE_KILLED),
      in_failed: true,
      return_value: null,
    });
    expect(await py<PyJobView>(redis.url, viewJob(next))).toMatchObject({
      status: 'finished',
      return_value: 9,
    });
    expect(isAlive(worker.child.pid!)).toBe(true);
    const [view] = await py<PyWorkerView[]>(redis.url, viewWorkers);
    expect(view).toMatchObject({ name: NAME, successful: 1, failed: 1 });
  });

  it('send_stop_job_command: the job ends stopped, in the failed registry; the worker carries on', async () => {
    const stuck = await enqueue(`'tasks.hang'`);
    await waitFor(async () => (await currentJob()) === stuck, 30_000, 'hang job running');
    await py(
      redis.url,
      `from rq.command import send_stop_job_command\nsend_stop_job_command(conn, '${stuck}', serializer=JSONSerializer)\nout(True)`,
    );
    await waitFor(async () => (await status(stuck)) === 'stopped', 30_000, 'job stopped');

    expect(await py<PyJobView>(redis.url, viewJob(stuck))).toEqual({
      status: 'stopped',
      exc: STOPPED,
      in_failed: true,
      return_value: null,
    });
    const after = await enqueue(`'tasks.add', 1, 2`);
    await waitFor(async () => (await status(after)) === 'finished', 30_000, 'job after the stop finished');
    const [view] = await py<PyWorkerView[]>(redis.url, viewWorkers);
    expect(view).toMatchObject({ name: NAME, state: 'idle', current_job_id: null, successful: 2, failed: 2 });
  });

  it('send_shutdown_command: a busy worker finishes its job, exits 0, and Python no longer lists it', async () => {
    const releaseKey = 'interop:release:shutdown';
    const held = await enqueue(`'latch.wait', '${releaseKey}'`);
    await waitFor(async () => (await currentJob()) === held, 30_000, 'latch job running');
    await py(
      redis.url,
      `from rq.command import send_shutdown_command\nout(send_shutdown_command(conn, '${NAME}'))`,
    );
    // Warm shutdown: the request is recorded, but the job is allowed to finish.
    await waitFor(
      () => redis.client.hget(keys.worker(NAME), 'shutdown_requested_date'),
      30_000,
      'shutdown_requested_date',
    );
    expect(await status(held)).toBe('started');
    expect(worker.child.exitCode).toBeNull();
    await redis.client.rpush(releaseKey, 'done');

    expect(await worker.exited, worker.output()).toBe(0);
    expect(await py<PyJobView>(redis.url, viewJob(held))).toMatchObject({
      status: 'finished',
      return_value: 'done',
    });
    expect(
      await py<unknown>(
        redis.url,
        `out([[describe(w) for w in Worker.all(connection=conn)], Worker.count(connection=conn), Worker.count(queue=queue('cmd'))])`,
      ),
    ).toEqual([[], 0, 0]);
  });
});
