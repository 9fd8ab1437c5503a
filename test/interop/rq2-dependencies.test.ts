import { afterEach, describe, expect, it } from 'vitest';
import { Job } from '../../src/index.js';
import { keys } from '../../src/redis/keys.js';
import { PEERS } from '../helpers/peers.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, killSpawned, type RqtsProcess } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { py, startRqtsWorker } from './worker-interop.js';

// RQ 2.8+'s dependency rule on an rqts worker speaking 2: a failed parent releases its
// allow_failure children, a stopped or canceled one does not (checked against 2.10 itself:
// docs/protocol.md §6.10). Speaking 1, rqts keeps 1.x's rule, where all three release them.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

const rq210 = PEERS.find((peer) => peer.major === 2);

// pf fails, p hangs until stopped, p2 is canceled before anything runs. c3 waits on pf, c1 on
// p, c2 on p2 and pf; all three allow failures.
const PRODUCER = `
from rq.job import Dependency
q = queue('d')
p2 = q.enqueue('tasks.add', 1, 2, job_id='p2')
p2.cancel()
q.enqueue('tasks.fail', 'parent failed', job_id='pf')
q.enqueue('tasks.hang', job_id='p')
for child, parents in (('c1', ['p']), ('c2', ['p2', 'pf']), ('c3', ['pf'])):
    q.enqueue('tasks.add', 3, 4, job_id=child, depends_on=Dependency(jobs=parents, allow_failure=True))
out([fetch(i).get_status() for i in ('c1', 'c2', 'c3')])
`;

const status = async (id: string): Promise<string | undefined> => (await Job.fetch(redis.client, id)).status;

describe.skipIf(!rq210)('allow_failure children of an rqts worker’s jobs (RQ 2.10 producer)', () => {
  const env = rq210?.env ?? {};
  let worker: RqtsProcess | undefined;
  afterEach(async () => {
    worker?.kill('SIGTERM');
    await worker?.exited;
    worker = undefined;
    await redis.client.flushall();
  });

  /** Runs the producer's jobs on an rqts worker speaking `protocol`, stopping p from Python. */
  async function run(protocol: '1' | '2'): Promise<void> {
    expect(await py<string[]>(redis.url, PRODUCER, env)).toEqual(['deferred', 'deferred', 'deferred']);
    worker = startRqtsWorker(redis.url, ['--path', FIXTURES, '--rq-protocol', protocol, 'd']);
    await waitFor(async () => (await status('p')) === 'started', 30_000, `p running:\n${worker.output()}`);
    await py(
      redis.url,
      `from rq.command import send_stop_job_command\nsend_stop_job_command(conn, 'p', serializer=JSONSerializer)\nout(True)`,
      env,
    );
    await waitFor(async () => (await status('p')) === 'stopped', 30_000, `p stopped:\n${worker.output()}`);
    await waitFor(async () => (await status('c3')) === 'finished', 30_000, `c3 ran:\n${worker.output()}`);
    expect(await status('pf')).toBe('failed');
  }

  it('speaking 2: a failed parent releases them, a stopped or canceled one keeps them deferred', async () => {
    await run('2');
    expect(await status('c1')).toBe('deferred');
    expect(await status('c2')).toBe('deferred');
    expect((await redis.client.zrange(keys.registry('deferred', 'd'), 0, -1)).sort()).toEqual(['c1', 'c2']);
    // As 2.10 reads them.
    expect(
      await py<string[]>(redis.url, `out([fetch(i).get_status() for i in ('c1', 'c2', 'c3')])`, env),
    ).toEqual(['deferred', 'deferred', 'finished']);
  });

  it('speaking 1: stopped and canceled parents release them too, as 1.x does', async () => {
    await run('1');
    await waitFor(async () => (await status('c1')) === 'finished', 30_000, `c1 ran:\n${worker?.output()}`);
    await waitFor(async () => (await status('c2')) === 'finished', 30_000, `c2 ran:\n${worker?.output()}`);
    expect(await redis.client.zcard(keys.registry('deferred', 'd'))).toBe(0);
  });
});
