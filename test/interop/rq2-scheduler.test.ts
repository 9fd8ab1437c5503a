import { describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { PEERS } from '../helpers/peers.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, killSpawned } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { py, startRqtsWorker } from './worker-interop.js';

// `rqts worker --with-scheduler` speaking 2: its scheduler is known to RQ 2.10 as a 2.10
// scheduler is: the locks hold its name, rq:scheduler:<name> holds its identity (read back by
// 2.10's RQScheduler.fetch and Queue.scheduler_pid), refreshed with a 61 s TTL, gone at exit.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

const rq210 = PEERS.find((peer) => peer.major === 2);
const env = rq210?.env ?? {};

interface SeenScheduler {
  name: string;
  hostname: string;
  pid: number;
  queues: string;
  created_at: string;
  last_heartbeat: string;
  scheduler_pid: number | null;
}

const seeScheduler = `
from rq.scheduler import RQScheduler
name = conn.get('rq:scheduler-lock:sa').decode()
s = RQScheduler.fetch(name, conn)
raw = conn.hgetall('rq:scheduler:' + name)
out({'name': s.name, 'hostname': raw[b'hostname'].decode(), 'pid': s.pid, 'queues': raw[b'queues'].decode(),
     'created_at': str(s.created_at), 'last_heartbeat': str(s.last_heartbeat), 'scheduler_pid': queue('sa').scheduler_pid})
`;

describe.skipIf(!rq210)('rqts --with-scheduler speaking 2 beside RQ 2.10', () => {
  it('writes and refreshes the rq:scheduler:<name> identity 2.10 reads, and removes it at exit', async () => {
    const worker = startRqtsWorker(redis.url, [
      '--path',
      FIXTURES,
      '--rq-protocol',
      '2',
      '--with-scheduler',
      '-n',
      'sched2',
      'sa',
      'sb',
    ]);
    const name = await waitFor(
      async () => redis.client.get(keys.schedulerLock('sa')),
      30_000,
      `scheduler lock; output:\n${worker.output()}`,
    );
    expect(name).toMatch(/^[0-9a-f]{32}$/);
    // One tick takes the locks one queue after the other.
    expect(await waitFor(async () => redis.client.get(keys.schedulerLock('sb')), 10_000, 'lock of sb')).toBe(
      name,
    );
    const identity = keys.schedulerIdentity(name);
    await waitFor(async () => (await redis.client.exists(identity)) === 1, 10_000, 'identity hash');
    expect(Object.keys(await redis.client.hgetall(identity)).sort()).toEqual(
      ['created_at', 'hostname', 'last_heartbeat', 'name', 'pid', 'queues'].sort(),
    );
    const ttl = await redis.client.ttl(identity);
    expect(ttl).toBeGreaterThan(55);
    expect(ttl).toBeLessThanOrEqual(61);

    const first = await py<SeenScheduler>(redis.url, seeScheduler, env);
    expect(first).toMatchObject({
      name,
      pid: worker.child.pid,
      queues: 'sa,sb',
      scheduler_pid: worker.child.pid,
    });
    expect(first.hostname.length).toBeGreaterThan(0);
    // Refreshed each tick: a later heartbeat, the same birth.
    await waitFor(
      async () =>
        (await py<SeenScheduler>(redis.url, seeScheduler, env)).last_heartbeat !== first.last_heartbeat,
      10_000,
      'a newer scheduler heartbeat',
    );
    const later = await py<SeenScheduler>(redis.url, seeScheduler, env);
    expect(later.created_at).toBe(first.created_at);
    expect(Date.parse(later.last_heartbeat)).toBeGreaterThan(Date.parse(first.last_heartbeat));

    worker.kill('SIGTERM');
    expect(await worker.exited, worker.output()).toBe(0);
    expect(await redis.client.exists(identity, keys.schedulerLock('sa'), keys.schedulerLock('sb'))).toBe(0);
  });
});
