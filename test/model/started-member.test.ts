import { describe, expect, it } from 'vitest';
import { readSnapshot } from '../../src/console/data/snapshot.js';
import { Queue } from '../../src/model/queue.js';
import { Registry } from '../../src/model/registry.js';
import { parseStartedMember, startedMember } from '../../src/model/started-member.js';
import { unixNow } from '../../src/model/time.js';
import { keys } from '../../src/redis/keys.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';

// Both forms of started-registry member (RQ 1.x `job_id`, RQ 2.x `job_id:execution_id`) as
// every reader of rq:wip sees them. The members are written here the way each peer writes
// them; abandoned-peer-jobs.test.ts has the real 2.10 worker.

let redis: TestRedis;
useRedis((started) => (redis = started));

/** A started job as a worker of that RQ major version leaves it in rq:wip. */
async function startedJob(queue: string, options: { execution?: string; legacyId?: string } = {}) {
  const enqueued = await new Queue(queue, redis.client).enqueue('tasks.add', [1, 2]);
  await redis.client.lrem(keys.queue(queue), 0, enqueued.id);
  const id = options.legacyId ?? enqueued.id;
  // RQ 1.x took any id; rqts no longer enqueues such ids, so the hash is moved there.
  if (options.legacyId) await redis.client.rename(enqueued.key, keys.job(id));
  await redis.client.hset(keys.job(id), 'status', 'started');
  const member = startedMember(id, options.execution);
  await redis.client.zadd(keys.registry('started', queue), unixNow() + 90, member);
  if (options.execution) {
    await redis.client.hset(keys.execution(id, options.execution), {
      id: options.execution,
      created_at: String(Date.now() / 1000),
      last_heartbeat: String(Date.now() / 1000 - 7),
    });
    await redis.client.zadd(keys.executions(id), unixNow() + 150, options.execution);
  }
  return { id, member };
}

describe('parseStartedMember', () => {
  it('splits at the first colon and keeps a plain id whole', () => {
    expect(parseStartedMember('abc')).toEqual({ member: 'abc', jobId: 'abc' });
    expect(parseStartedMember('abc:0f1e')).toEqual({ member: 'abc:0f1e', jobId: 'abc', executionId: '0f1e' });
    expect(parseStartedMember('a:b:c')).toMatchObject({ jobId: 'a', executionId: 'b:c' });
    expect(startedMember('abc', '0f1e')).toBe('abc:0f1e');
    expect(startedMember('abc')).toBe('abc');
  });
});

describe('a started registry with 1.x and 2.x members', () => {
  it('lists job ids, answers contains and removes by job id in both forms', async () => {
    const plain = await startedJob('mixed');
    const composite = await startedJob('mixed', { execution: 'e1e1' });
    const registry = new Registry('started', 'mixed', redis.client);
    expect((await registry.jobIds()).sort()).toEqual([plain.id, composite.id].sort());
    expect(await registry.members()).toContain(composite.member);
    expect(await registry.contains(composite.id)).toBe(true);
    expect(await registry.contains(plain.id)).toBe(true);
    expect(await registry.contains('nope')).toBe(false);
    expect(await registry.remove(composite.id)).toBe(1);
    expect(await registry.members()).toEqual([plain.id]);
  });

  it('the console lists a 2.x started job by its id, with its execution and heartbeat', async () => {
    const plain = await startedJob('console');
    const composite = await startedJob('console', { execution: 'feed' });
    const snap = await readSnapshot(redis.client, {
      jobPage: { queue: 'console', kind: 'started', offset: 0, limit: 10 },
      detailJobId: composite.id,
    });
    const rows = snap.jobPage?.jobs ?? [];
    const row = rows.find((j) => j.id === composite.id);
    expect(row).toMatchObject({ missing: false, status: 'started', executionId: 'feed' });
    const age = Date.now() - (row?.executionHeartbeat?.getTime() ?? 0);
    expect(age).toBeGreaterThan(6_000);
    expect(age).toBeLessThan(60_000);
    expect(rows.find((j) => j.id === plain.id)).toMatchObject({ missing: false, status: 'started' });
    expect(rows.find((j) => j.id === plain.id)?.executionId).toBeUndefined();
    expect(snap.detail?.job?.id).toBe(composite.id);
  });

  it('an RQ 1.x job id with a colon in it is still its own job', async () => {
    const legacy = await startedJob('legacy', { legacyId: 'tenant:42' });
    expect(legacy.member).toBe('tenant:42');
    const snap = await readSnapshot(redis.client, {
      jobPage: { queue: 'legacy', kind: 'started', offset: 0, limit: 10 },
    });
    expect(snap.jobPage?.jobs[0]).toMatchObject({ id: 'tenant:42', missing: false, status: 'started' });
    await redis.client.zadd(keys.registry('started', 'legacy'), 1, 'tenant:42');
    expect(await new Registry('started', 'legacy', redis.client).cleanup()).toEqual(['tenant:42']);
    expect(await redis.client.hget(keys.job('tenant:42'), 'status')).toBe('failed');
  });
});
