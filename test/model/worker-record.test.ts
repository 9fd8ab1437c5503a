import { beforeEach, describe, expect, it } from 'vitest';
import {
  cleanWorkerRegistry,
  countWorkers,
  findWorker,
  findWorkers,
  workerRecordFromHash,
} from '../../src/model/worker-record.js';
import { keys } from '../../src/redis/keys.js';
import { pythonRqAvailable, runPython } from '../helpers/python.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';

let redis: TestRedis;
useRedis((started) => (redis = started));
beforeEach(async () => {
  await redis.client.flushdb();
});

async function register(name: string, hash: Record<string, string>, queues: string[]): Promise<void> {
  const multi = redis.client.multi().hset(keys.worker(name), hash).sadd(keys.allWorkers, keys.worker(name));
  for (const queue of queues) multi.sadd(keys.workersOfQueue(queue), keys.worker(name));
  await multi.exec();
}

describe('worker records', () => {
  it('read a minimal foreign hash (queues and state only)', async () => {
    await register('tsmin', { queues: 'bar', state: 'suspended' }, ['bar']);
    const [record] = await findWorkers(redis.client);
    expect(record).toMatchObject({
      name: 'tsmin',
      key: keys.worker('tsmin'),
      queues: ['bar'],
      state: 'suspended',
      currentJob: undefined,
      lastHeartbeat: undefined,
      birth: undefined,
      successfulJobCount: 0,
      failedJobCount: 0,
      totalWorkingTime: 0,
      pid: undefined,
      hostname: undefined,
    });
  });

  it('read garbage numbers and timestamps without throwing', () => {
    const record = workerRecordFromHash('junk', {
      queues: ',a,,b,',
      pid: 'twelve',
      successful_job_count: 'many',
      failed_job_count: '',
      total_working_time: '1.5.5',
      current_job_working_time: 'NaN',
      last_heartbeat: 'yesterday',
      birth: '2024-02-30T00:00:00Z',
      death: '2024-05-01T12:34:56.5Z',
    });
    expect(record.queues).toEqual(['a', 'b']);
    expect(record.state).toBe('?');
    expect([
      record.pid,
      record.successfulJobCount,
      record.failedJobCount,
      record.totalWorkingTime,
      record.currentJobWorkingTime,
    ]).toEqual([undefined, 0, 0, 0, 0]);
    expect([record.lastHeartbeat, record.birth]).toEqual([undefined, undefined]);
    expect(record.death?.toISOString()).toBe('2024-05-01T12:34:56.500Z');
    expect(workerRecordFromHash('w', { pid: '1.5' }).pid).toBeUndefined();
  });

  it('drop stale members from rq:workers only, as Python does; counts include stale members', async () => {
    await register('alive', { queues: 'q', state: 'idle' }, ['q']);
    await redis.client.sadd(keys.allWorkers, keys.worker('ghost'), 'not-a-worker-key');
    await redis.client.sadd(keys.workersOfQueue('q'), keys.worker('ghost'));
    expect(await countWorkers(redis.client)).toBe(3);
    expect(await countWorkers(redis.client, { queue: 'q' })).toBe(2);
    expect((await findWorkers(redis.client, { queue: 'q' })).map((w) => w.name)).toEqual(['alive']);
    expect(await redis.client.sismember(keys.allWorkers, keys.worker('ghost'))).toBe(0);
    expect(await redis.client.sismember(keys.workersOfQueue('q'), keys.worker('ghost'))).toBe(1);
    expect((await findWorkers(redis.client, { prune: false })).map((w) => w.name)).toEqual(['alive']);
    expect(await findWorker(redis.client, 'ghost')).toBeUndefined();
    expect((await findWorker(redis.client, 'alive'))?.state).toBe('idle');
  });

  it('cleanWorkerRegistry removes dead members from both sets, in chunks', async () => {
    await register('alive', { queues: 'q', state: 'idle' }, ['q']);
    const ghosts = Array.from({ length: 2500 }, (_, i) => keys.worker(`ghost-${i}`));
    await redis.client.sadd(keys.workersOfQueue('q'), ...ghosts);
    await redis.client.sadd(keys.allWorkers, ...ghosts);
    expect(await cleanWorkerRegistry(redis.client, 'q')).toBe(2500);
    expect(await redis.client.smembers(keys.workersOfQueue('q'))).toEqual([keys.worker('alive')]);
    expect(await redis.client.smembers(keys.allWorkers)).toEqual([keys.worker('alive')]);
    expect(await cleanWorkerRegistry(redis.client, 'empty-queue')).toBe(0);
  });
});

describe.skipIf(!pythonRqAvailable())('worker records of Python RQ workers', () => {
  it("reads every field a Python worker's birth writes", async () => {
    const py = await runPython(
      `
import os
from redis import Redis
from rq import Queue, Worker
r = Redis.from_url(os.environ['REDIS_URL'])
w = Worker([Queue('high', connection=r), Queue('low', connection=r)], connection=r, name='pyw')
w.register_birth()
w.set_state('busy')
r.hset(w.key, mapping={'current_job': 'job-1', 'successful_job_count': 3, 'failed_job_count': 1, 'total_working_time': 1.487642, 'current_job_working_time': 4.002596})
print(os.getpid())
`,
      { REDIS_URL: redis.url },
    );
    expect(py.code, py.stderr).toBe(0);
    const [record] = await findWorkers(redis.client, { queue: 'low' });
    expect(record).toMatchObject({
      name: 'pyw',
      queues: ['high', 'low'],
      state: 'busy',
      currentJob: 'job-1',
      successfulJobCount: 3,
      failedJobCount: 1,
      totalWorkingTime: 1.487642,
      currentJobWorkingTime: 4.002596,
      pid: Number(py.stdout.trim()),
      version: '1.13.0',
    });
    expect(record?.pythonVersion).toMatch(/^3\./);
    expect(Math.abs((record?.birth?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(record?.lastHeartbeat).toBeInstanceOf(Date);
  });
});
