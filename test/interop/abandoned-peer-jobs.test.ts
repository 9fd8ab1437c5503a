import { describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { PEERS, type Peer } from '../helpers/peers.js';
import { startPythonWorker } from '../helpers/python-worker.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { killSpawned, spawnRqts } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { PY_FIXTURES, py, viewJob, type PyJobView } from './worker-interop.js';

// A Python worker of each peer release is SIGKILLed while it runs a job; the job is then the
// rqts clean-up's to recover. RQ 2.x writes the started-registry member as
// `job_id:execution_id`: read as a job id it names no hash, and a clean-up that skipped it
// would drop the member and leave the job `started` forever in no registry.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

/** Starts a peer worker on `queue`, lets it take job `id` (pytasks.hang), and SIGKILLs it. */
async function killPeerMidJob(peer: Peer, queue: string, id: string, retries: number): Promise<string> {
  await py(
    redis.url,
    `
from rq import Retry
extra = {'retry': Retry(max=${retries})} if ${retries} else {}
queue('${queue}').enqueue('pytasks.hang', job_id='${id}', **extra)
out(True)`,
    peer.env,
  );
  const worker = startPythonWorker(redis.url, { path: PY_FIXTURES, queues: [queue] }, peer.env);
  const startedKey = keys.registry('started', queue);
  const member: string = await waitFor(
    async () =>
      (await redis.client.hget(keys.job(id), 'status')) === 'started'
        ? (await redis.client.zrange(startedKey, 0, -1))[0]
        : undefined,
    30_000,
    `${peer.version} worker starting ${id}; output:\n${worker.output()}`,
  );
  worker.child.kill('SIGKILL');
  await worker.exited;
  // Its horse (pytasks.hang) exits by itself once re-parented, writing nothing.
  if (peer.major >= 2) expect(member).toMatch(new RegExp(`^${id}:[0-9a-f]+$`));
  else expect(member).toBe(id);
  // As if the dead worker's heartbeats had lapsed long ago.
  expect(await redis.client.zadd(startedKey, 'XX', 'CH', 1, member)).toBe(1);
  // RQ 1.13 never releases the maintenance lock it took at start-up: it would hold off every
  // other cleaner for its 899 s, which have passed too.
  await redis.client.del(keys.cleanRegistriesLock(queue));
  return member;
}

describe.each(PEERS.map((peer) => [peer.version, peer] as const))(
  'a Python RQ %s worker SIGKILLed mid-job',
  (version, peer) => {
    const tag = version.replace(/\W/g, '');

    it('an rqts worker’s maintenance fails the job: out of rq:wip, into the failed registry', async () => {
      const queue = `abandon-${tag}`;
      const id = `dead-${tag}`;
      const member = await killPeerMidJob(peer, queue, id, 0);
      const rqts = spawnRqts(['worker', '--url', redis.url, '--burst', queue]);
      expect(await rqts.exited).toBe(0);

      expect(await redis.client.zcard(keys.registry('started', queue))).toBe(0);
      expect(await redis.client.zscore(keys.registry('failed', queue), id)).not.toBeNull();
      const seen = await py<PyJobView>(redis.url, viewJob(id), peer.env);
      expect(seen.status).toBe('failed');
      expect(seen.in_failed).toBe(true);
      if (peer.major >= 2) {
        // The 2.x way: a FAILED result entry Python reads, and the execution's records gone.
        expect(seen.exc).toMatch(/^Moved to FailedJobRegistry, due to AbandonedJobError, at .*\+00:00$/);
        const execution = member.slice(id.length + 1);
        expect(await redis.client.exists(keys.execution(id, execution))).toBe(0);
        expect(await redis.client.zscore(keys.executions(id), execution)).toBeNull();
      } else {
        expect(seen.exc).toBeNull(); // RQ 1.x writes no result for an abandoned job
      }
    });

    it('rqts info retries a job that has retries left: back in its queue, queued', async () => {
      const queue = `retry-${tag}`;
      const id = `again-${tag}`;
      await killPeerMidJob(peer, queue, id, 1);
      const info = spawnRqts(['info', '--url', redis.url, queue]);
      expect(await info.exited).toBe(0);

      expect(await redis.client.zcard(keys.registry('started', queue))).toBe(0);
      expect(await redis.client.lrange(keys.queue(queue), 0, -1)).toEqual([id]);
      const seen = await py<{ status: string; retries_left: number }>(
        redis.url,
        `job = fetch('${id}')\nout({'status': job.get_status(), 'retries_left': job.retries_left})`,
        peer.env,
      );
      expect(seen).toEqual({ status: 'queued', retries_left: 0 });
    });
  },
);
