import { describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { PEERS } from '../helpers/peers.js';
import { useRedis, type TestRedis } from '../helpers/redis-server.js';
import { FIXTURES, killSpawned } from '../helpers/rqts-process.js';
import { waitFor } from '../helpers/wait.js';
import { py, startRqtsWorker } from './worker-interop.js';

// RQ 2.x groups: the maintenance of an rqts worker speaking 2 removes members whose job has
// expired and drops groups left empty, as a 2.10 worker's maintenance does (observed), and
// 2.10's Group API reads the result. Speaking 1 it leaves groups alone, as 1.x knows none.

let redis: TestRedis;
useRedis((started) => (redis = started), killSpawned);

const rq210 = PEERS.find((peer) => peer.major === 2);
const env = rq210?.env ?? {};

const seeGroups = `
from rq.group import Group
out(sorted([g.name, sorted(j.id for j in g.get_jobs())] for g in Group.all(connection=conn)))
`;

async function burst(protocol: '1' | '2'): Promise<void> {
  const worker = startRqtsWorker(redis.url, [
    '--path',
    FIXTURES,
    '--rq-protocol',
    protocol,
    '--burst',
    'grp',
  ]);
  expect(await worker.exited, worker.output()).toBe(0);
}

describe.skipIf(!rq210)('RQ 2.10 groups on rqts workers', () => {
  it('speaking 2, maintenance drops expired members and empty groups; speaking 1 it leaves them', async () => {
    await py(
      redis.url,
      `
from rq import Queue
from rq.group import Group
q = queue('grp')
Group.create(connection=conn, name='mixed').enqueue_many(q, [
    Queue.prepare_data('tasks.add', (1, 2), job_id='brief', result_ttl=1),
    Queue.prepare_data('tasks.fail', ('no',), job_id='failing', failure_ttl=1),
    Queue.prepare_data('tasks.add', (3, 4), job_id='kept')])
Group.create(connection=conn, name='short').enqueue_many(q, [
    Queue.prepare_data('tasks.add', (5, 6), job_id='alone', result_ttl=1)])
out(True)
`,
      env,
    );
    await burst('2');
    await waitFor(
      async () =>
        (await redis.client.exists(keys.job('brief'), keys.job('failing'), keys.job('alone'))) === 0,
      10_000,
      'the short-lived jobs to expire',
    );
    const before = [
      ['mixed', ['brief', 'failing', 'kept']],
      ['short', ['alone']],
    ];
    expect((await redis.client.smembers(keys.group('mixed'))).sort()).toEqual(before[0]![1]);
    await burst('1');
    expect((await redis.client.smembers(keys.allGroups)).sort()).toEqual(['mixed', 'short']);
    expect((await redis.client.smembers(keys.group('mixed'))).sort()).toEqual(before[0]![1]);
    await burst('2');
    expect(await redis.client.smembers(keys.allGroups)).toEqual(['mixed']);
    expect(await redis.client.smembers(keys.group('mixed'))).toEqual(['kept']);
    expect(await redis.client.exists(keys.group('short'))).toBe(0);
    expect(await py(redis.url, seeGroups, env)).toEqual([['mixed', ['kept']]]);
  });
});
