import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { PEERS } from '../helpers/peers.js';
import { PYTHON, runProcess } from '../helpers/python.js';
import { runPythonWorker, startPythonWorker, type PythonWorker } from '../helpers/python-worker.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { childPids, FIXTURES, killSpawned } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { PY_FIXTURES, py, startRqtsWorker, viewJob, type PyJobView } from './worker-interop.js';

// rqts speaking RQ 2.x (`--rq-protocol 2`, or auto beside a 2.x peer): its running job is read
// right by RQ 2.10 (started registry, job status, workers, `rq info`), its execution records
// are what a 2.10 worker writes, and a 2.10 clean-up recovers the job of a killed rqts worker.

let redis: TestRedis;
const pythons: PythonWorker[] = [];
useRedis((started) => (redis = started), killSpawned);

const rq210 = PEERS.find((peer) => peer.version.startsWith('2.'));
const rq1x = PEERS.filter((peer) => peer.major === 1);

/** An idle Python worker of `env`'s release on a queue of its own, registered in rq:workers. */
async function startPeer(env: Record<string, string>, queue: string): Promise<void> {
  const worker = startPythonWorker(redis.url, { queues: [queue] }, env);
  pythons.push(worker);
  await worker.ready(redis.client);
}

/** Warm-stops every peer worker, so it leaves rq:workers and no later auto-detection sees it. */
async function stopPeers(): Promise<void> {
  await Promise.all(pythons.splice(0).map((worker) => worker.stop()));
}

describe.skipIf(!rq210)('rqts speaking RQ 2.x beside RQ 2.10', () => {
  const env = rq210?.env ?? {};
  afterAll(stopPeers);

  it('auto picks 2; 2.10 sees the running job and its execution as a 2.10 worker writes it', async () => {
    await startPeer(env, 'peer-idle');
    await py(redis.url, `out(queue('two').enqueue('tasks.sleep', 10, job_id='run2').id)`, env);
    const rqts = startRqtsWorker(redis.url, ['--path', FIXTURES, '--burst', '-n', 'ts2', 'two']);
    await rqts.waitForOutput('RQ protocol 2: 2.10.0, auto-detected', 30_000);
    const member = await waitFor(
      async () => (await redis.client.zrange(keys.registry('started', 'two'), 0, -1))[0],
      30_000,
      `rqts taking run2; output:\n${rqts.output()}`,
    );
    expect(member).toMatch(/^run2:[0-9a-f]{32}$/);
    const executionId = member.slice('run2:'.length);
    const execution = await redis.client.hgetall(keys.execution('run2', executionId));
    expect(Object.keys(execution).sort()).toEqual(['created_at', 'id', 'last_heartbeat']);
    expect(execution.id).toBe(executionId);
    expect(Number(execution.created_at)).toBeGreaterThan(1e9);
    expect(await redis.client.ttl(keys.execution('run2', executionId))).toBeGreaterThan(0);
    expect(await redis.client.zrange(keys.executions('run2'), 0, -1)).toEqual([executionId]);

    const seen = await py<{ ids: string[]; status: string; workers: Record<string, unknown>[] }>(
      redis.url,
      `out({'ids': StartedJobRegistry('two', connection=conn).get_job_ids(), 'status': fetch('run2').get_status(),
     'workers': [{'name': w.name, 'version': w.version, 'job': w.get_current_job_id()} for w in Worker.all(connection=conn)]})`,
      env,
    );
    expect(seen.ids).toEqual(['run2']);
    expect(seen.status).toBe('started');
    expect(seen.workers).toContainEqual({ name: 'ts2', version: '2.10.0', job: 'run2' });
    const info = await runProcess(PYTHON, ['-m', 'rq.cli', 'info', '--url', redis.url], env);
    expect(info.stdout).toMatch(/ts2 .*busy/);
    expect(info.stdout).toMatch(/two\s+\|\s*0/);

    expect(await rqts.exited).toBe(0);
    expect(await redis.client.exists(keys.execution('run2', executionId), keys.executions('run2'))).toBe(0);
    const entries = await redis.client.xrange(keys.results('run2'), '-', '+');
    expect(entries).toHaveLength(1);
    const fields: string[] = entries[0]![1];
    const entry: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) entry[fields[i]!] = fields[i + 1]!;
    expect(entry).toMatchObject({ type: '1', worker_name: 'ts2', execution_id: executionId });
    expect(Number(entry.execution_ended_at)).toBeGreaterThanOrEqual(Number(entry.execution_started_at));
    expect((await py<PyJobView>(redis.url, viewJob('run2'), env)).status).toBe('finished');
  });

  it('a SIGKILLed rqts 2.x worker’s job is failed by a 2.10 worker’s clean-up, not lost', async () => {
    await py(redis.url, `out(queue('dead2').enqueue('tasks.hang', job_id='dead2').id)`, env);
    const rqts = startRqtsWorker(redis.url, ['--path', FIXTURES, '--rq-protocol', '2', 'dead2']);
    const member = await waitFor(
      async () => (await redis.client.zrange(keys.registry('started', 'dead2'), 0, -1))[0],
      30_000,
      `rqts taking dead2; output:\n${rqts.output()}`,
    );
    expect(member).toMatch(/^dead2:[0-9a-f]{32}$/);
    // Worker and horse both gone (a lost host): a horse alone would record the job itself
    // (test/worker/orphan-horse.test.ts), leaving nothing for the clean-up.
    for (const horse of childPids(rqts.child.pid!)) process.kill(horse, 'SIGKILL');
    rqts.kill('SIGKILL');
    await rqts.exited;
    // As if the dead worker's heartbeats had lapsed long ago.
    expect(await redis.client.zadd(keys.registry('started', 'dead2'), 'XX', 'CH', 1, member)).toBe(1);
    await redis.client.del(keys.cleanRegistriesLock('dead2'));
    const cleaner = await runPythonWorker(redis.url, { path: PY_FIXTURES, queues: ['dead2'] }, env);
    expect(cleaner.code).toBe(0);
    expect(await redis.client.zcard(keys.registry('started', 'dead2'))).toBe(0);
    const seen = await py<PyJobView>(redis.url, viewJob('dead2'), env);
    expect(seen.status).toBe('failed');
    expect(seen.in_failed).toBe(true);
  });
});

// One block per 1.x peer (Debian's 1.13, and 1.16.2): each is a fleet rqts must not write
// composite members into, since a 1.x clean-up would drop them as ids without a hash.
describe.each(rq1x.map((peer) => [peer.version, peer] as const))('rqts beside RQ %s', (version, peer) => {
  // A fleet of its own: the 2.x block's killed rqts worker still counts as a 2.x peer.
  beforeAll(async () => {
    await stopPeers();
    await redis.client.flushall();
  });
  it('auto picks 1: plain ids and no execution records', async () => {
    const env = peer.env;
    await startPeer(env, 'old-idle');
    const seenVersion = await py<string[]>(
      redis.url,
      `out([w.version for w in Worker.all(connection=conn)])`,
      env,
    );
    expect(seenVersion).toEqual([version]);
    await py(redis.url, `out(queue('one').enqueue('tasks.sleep', 1, job_id='run1').id)`, env);
    const rqts = startRqtsWorker(redis.url, ['--path', FIXTURES, '--burst', '-n', 'ts1', 'one']);
    await rqts.waitForOutput('RQ protocol 1: 1.16.2, auto-detected', 30_000);
    const member = await waitFor(
      async () => (await redis.client.zrange(keys.registry('started', 'one'), 0, -1))[0],
      30_000,
      `rqts taking run1; output:\n${rqts.output()}`,
    );
    expect(member).toBe('run1');
    expect(await redis.client.exists(keys.executions('run1'))).toBe(0);
    expect(await rqts.exited).toBe(0);
    expect((await py<PyJobView>(redis.url, viewJob('run1'), env)).status).toBe('finished');
  });
});
