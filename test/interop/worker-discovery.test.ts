import { hostname } from 'node:os';
import { beforeAll, expect, it } from 'vitest';
import { describeEachPeer } from '../helpers/peers.js';
import { keys } from '../../src/redis/keys.js';
import { killSpawned, type RqtsProcess } from '../helpers/rqts-process.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';
import { py, type PyWorkerView, rqInfo, startListeningRqtsWorker } from './worker-interop.js';

// Python RQ 1.13's discovery (Worker.all / Worker.count / rq info) looking at a running rqts
// worker: before, during and after a job it is held busy on.

const NAME = 'js-listed';

interface Listing {
  all: PyWorkerView[];
  by_queue: Record<string, string[]>;
  count: number;
  count_by_queue: Record<string, number>;
}

const LIST_WORKERS = `
names = ['high', 'default', 'elsewhere']
out({'all': [describe(w) for w in Worker.all(connection=conn)],
     'by_queue': {n: [w.name for w in Worker.all(queue=queue(n))] for n in names},
     'count': Worker.count(connection=conn),
     'count_by_queue': {n: Worker.count(queue=queue(n)) for n in names}})
`;

/**
 * The rq info line for one worker, `name (host ip pid): state q1, q2`, without the
 * `. jobs: N finished, N failed` RQ 1.16 and later append.
 */
function infoLine(info: string): string {
  const line = info.split('\n').find((l) => l.startsWith(`${NAME} (`));
  if (!line) throw new Error(`rq info does not list ${NAME}:\n${info}`);
  return line.replace(/\. jobs: \d+ finished, \d+ failed$/, '');
}

describeEachPeer('interop: Python discovers a running rqts worker', (_peer) => {
  let redis: TestRedis;
  let worker: RqtsProcess;
  useRedis((started) => (redis = started), killSpawned);
  beforeAll(async () => {
    worker = await startListeningRqtsWorker(redis.url, NAME, ['high', 'default']);
  });

  const field = (name: string) => redis.client.hget(keys.worker(NAME), name);

  it('lists it idle with its queues, pid and host before any job; counts it', async () => {
    await waitFor(async () => (await field('state')) === 'idle', 30_000, 'worker idle');
    const listing = await py<Listing>(redis.url, LIST_WORKERS);
    expect(listing.all).toHaveLength(1);
    expect(listing.all[0]).toMatchObject({
      name: NAME,
      state: 'idle',
      queues: ['high', 'default'],
      current_job_id: null,
      successful: 0,
      failed: 0,
      total_working_time: 0,
      pid: worker.child.pid,
      hostname: hostname(),
      has_birth: true,
      has_heartbeat: true,
    });
    expect(listing.by_queue).toEqual({ high: [NAME], default: [NAME], elsewhere: [] });
    expect(listing.count).toBe(1);
    expect(listing.count_by_queue).toEqual({ high: 1, default: 1, elsewhere: 0 });
    expect(infoLine(await rqInfo(redis.url))).toMatch(
      new RegExp(`^${NAME} \\(${hostname()} [\\d.]+:\\d+ ${worker.child.pid}\\): idle high, default$`),
    );
  });

  it('shows it busy on the current job with its counters, then idle with the counters updated', async () => {
    const first = await py<{ ok: string; bad: string }>(
      redis.url,
      `
q = queue('default')
out({'ok': q.enqueue('tasks.add', 2, 3).id, 'bad': q.enqueue('tasks.fail', 'counted').id})
`,
    );
    await waitFor(
      async () =>
        (await field('successful_job_count')) === '1' &&
        (await field('failed_job_count')) === '1' &&
        (await field('state')) === 'idle',
      30_000,
      'first two jobs done',
    );
    const afterTwo = (await py<Listing>(redis.url, LIST_WORKERS)).all[0]!;
    expect(afterTwo).toMatchObject({ state: 'idle', current_job_id: null, successful: 1, failed: 1 });
    expect(afterTwo.total_working_time).toBeGreaterThan(0);
    expect(
      await py<string[]>(redis.url, `out([fetch(i).get_status() for i in ['${first.ok}', '${first.bad}']])`),
    ).toEqual(['finished', 'failed']);

    const releaseKey = 'interop:release:latch';
    const held = await py<string>(redis.url, `out(queue('high').enqueue('latch.wait', '${releaseKey}').id)`);
    await waitFor(async () => (await field('current_job')) === held, 30_000, 'latch job started');
    const busySince = Date.now();
    const busy = await py<Listing>(redis.url, LIST_WORKERS);
    expect(busy.all).toHaveLength(1);
    expect(busy.all[0]).toMatchObject({
      name: NAME,
      state: 'busy',
      queues: ['high', 'default'],
      current_job_id: held,
      successful: 1,
      failed: 1,
    });
    expect(busy.all[0]!.total_working_time).toBe(afterTwo.total_working_time);
    expect(busy.count).toBe(1);
    expect(infoLine(await rqInfo(redis.url))).toMatch(/: busy high, default$/);
    expect(await py<string>(redis.url, `out(fetch('${held}').get_status())`)).toBe('started');

    await redis.client.rpush(releaseKey, 'go');
    const heldFor = (Date.now() - busySince) / 1000;
    await waitFor(
      async () => (await field('successful_job_count')) === '2' && (await field('state')) === 'idle',
      30_000,
      'latch job done',
    );
    const done = await py<Listing>(redis.url, LIST_WORKERS);
    expect(done.all[0]).toMatchObject({ state: 'idle', current_job_id: null, successful: 2, failed: 1 });
    // The held job ran at least as long as we watched it busy.
    expect(done.all[0]!.total_working_time - afterTwo.total_working_time).toBeGreaterThanOrEqual(
      heldFor - 0.01,
    );
    expect(infoLine(await rqInfo(redis.url))).toMatch(/: idle high, default$/);
    expect(
      await py<unknown>(redis.url, `j = fetch('${held}'); out([j.get_status(), j.return_value()])`),
    ).toEqual(['finished', 'go']);
  });

  it('forgets it once it stops: Worker.all and Worker.count drop to zero', async () => {
    worker.kill('SIGTERM');
    expect(await worker.exited, worker.output()).toBe(0);
    const listing = await py<Listing>(redis.url, LIST_WORKERS);
    expect(listing.all).toEqual([]);
    expect(listing.count).toBe(0);
    expect(listing.count_by_queue).toEqual({ high: 0, default: 0, elsewhere: 0 });
    expect(infoLine.bind(null, await rqInfo(redis.url))).toThrow(/does not list/);
  });
});
