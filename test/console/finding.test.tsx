import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from '../../src/model/queue.js';
import { keys } from '../../src/redis/keys.js';
import { startRedis, type TestRedis } from '../helpers/redis-server.js';
import { KEYS } from './render.js';
import { startConsole, type ConsoleUnderTest } from './harness.js';
import { writeFakeWorkers } from './fake-workers.js';

// Finding things: qualifiers, the flagged-only view, `:` for a job id anywhere, and an
// Esc that always leads one step nearer the workers screen.

describe('console: finding things', () => {
  let redis: TestRedis;
  let ui: ConsoleUnderTest;
  let failedId: string;
  beforeAll(async () => {
    redis = await startRedis();
    await writeFakeWorkers(redis.client, 'mail-', 2, { busy: true, queues: ['emails'] });
    await writeFakeWorkers(redis.client, 'report-', 2, { queues: ['reports'] });
    await redis.client.hset(keys.worker('report-1'), 'last_heartbeat', '2020-01-01T00:00:00Z');
    const queue = new Queue('reports', redis.client);
    await queue.enqueue('tasks.quick', [1], {});
    const job = await queue.enqueue('tasks.quick', [2], {});
    failedId = job.id;
    // Moved to the failed registry by hand: listed there, not in the queue.
    await redis.client.lrem(keys.queue('reports'), 0, failedId);
    await redis.client.zadd(keys.registry('failed', 'reports'), Date.now() / 1000 + 3600, failedId);
    await redis.client.hset(keys.job(failedId), 'status', 'failed');
    ui = startConsole(redis.url, { columns: 120, rows: 30 });
    await ui.r.waitForFrame('report-1');
  });
  afterAll(async () => {
    await ui?.close();
    await redis?.stop();
  });

  it('filters with qualifiers, the prompt opening empty beside the active filter', async () => {
    await ui.r.press('/', ...'queue:emails state:busy', KEYS.enter);
    let frame = await ui.r.waitForFrame((f) => f.includes('mail-0') && !f.includes('report-0'));
    expect(frame).toContain('2/4 workers');
    await ui.r.press('/');
    frame = await ui.r.waitForFrame('now /queue:emails state:busy/');
    expect(frame).toMatch(/^\/ +now/m); // the draft itself is empty
    await ui.r.press(...'flag:stale', KEYS.enter);
    frame = await ui.r.waitForFrame((f) => f.includes('report-1') && !f.includes('mail-0'));
    expect(frame).toContain('1/4 workers');
    await ui.r.press(KEYS.escape);
    await ui.r.waitForFrame('4/4 workers');
  });

  it('shows only flagged workers with !, and Esc shows them all again', async () => {
    // Fake workers have nobody on their command channel: every one is DEAF, so flag one
    // less: make report-0 hear commands by subscribing for it.
    const sub = redis.client.duplicate();
    await sub.subscribe(keys.workerChannel('report-0'));
    try {
      await ui.r.press('!');
      const frame = await ui.r.waitForFrame((f) => f.includes('flagged only') && !f.includes('report-0'));
      expect(frame).toContain('3/4 workers');
      await ui.r.press(KEYS.escape);
      await ui.r.waitForFrame((f) => f.includes('4/4 workers') && !f.includes('flagged only'));
    } finally {
      sub.disconnect();
    }
  });

  it('searches the whole registry, not the page, and says which "no match" it is', async () => {
    const bulk = new Queue('bulk', redis.client);
    const specs = Array.from({ length: 1200 }, (_, i) => ({
      funcName: 'tasks.quick',
      args: [i],
      description: i === 1111 ? 'tasks.needle(1111)' : `tasks.quick(${i})`,
    }));
    await bulk.enqueueMany(specs);
    // Enter opens the row under the cursor: wait until a refresh has listed the new queue.
    await ui.r.press('2');
    await ui.r.waitForFrame(/^bulk\s+1200\b/m);
    await ui.r.press('/', ...'bulk', KEYS.enter, KEYS.enter);
    await ui.r.waitForFrame('queue bulk');
    await ui.r.press('/', ...'needle', KEYS.enter);
    const frame = await ui.r.waitForFrame('1 match in the whole registry (1,200 searched)');
    expect(frame).toContain('tasks.needle(1111)');
    await ui.r.press('/', ...'func:nowhere', KEYS.enter);
    await ui.r.waitForFrame('no match in the registry (searched all 1,200)');
    await ui.r.press(KEYS.escape, KEYS.escape, '2', KEYS.escape);
    await ui.r.waitForFrame((f) => f.includes('queues') && !f.includes('filter /bulk/'));
    await ui.r.press('1');
  });

  it('finds a job by id from any screen, listed in its registry, and Esc goes back then home', async () => {
    await ui.r.press('2', ':', ...failedId, KEYS.enter);
    const frame = await ui.r.waitForFrame(`failed registry of reports`);
    expect(frame).toContain(`Job ${failedId}`);
    await ui.r.press(KEYS.escape);
    await ui.r.waitForFrame(/\d+\/\d+ queues/);
    await ui.r.press(KEYS.escape);
    await ui.r.waitForFrame(/\d+\/\d+ workers/);
    await ui.r.press(':', ...'no-such-job', KEYS.enter);
    await ui.r.waitForFrame('No such job in any queue or registry');
    await ui.r.press(KEYS.escape);
  });
});
